package org.bollwerk.bench;

import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Markdown tables for docs/benchmarks.md from one or more result files of {@code Bench run}. */
final class Report {

    /** Published figures on 2 CPUs, as quoted in issue 6 (measured elsewhere, not on this machine). */
    private static final String[][] PEERS = {
            {"Conduit", "1,177", "2,498"},
            {"Tuwunel", "869", "1,826"},
            {"Dendrite", "92", "102"},
            {"Synapse", "52", "108"},
    };

    private Report() {
    }

    static String markdown(List<String> files) {
        List<JsonNode> runs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String f : files) {
            runs.add(MatrixClient.JSON.readTree(Path.of(f).toFile()));
            names.add(Path.of(f).getFileName().toString());
        }
        StringBuilder md = new StringBuilder();

        md.append("Durability: ");
        List<String> dur = new ArrayList<>();
        for (JsonNode r : runs) {
            dur.add(label(r) + ": " + r.path("meta").path("durability").asString("?"));
        }
        md.append(String.join("; ", dur)).append(".\n\n");

        if (any(runs, "send")) {
        md.append("**Scenario 1 — single-room send** (medians of ").append(repeats(runs, "send"))
                .append(" repeats, each in a fresh `private_chat` room after ")
                .append(first(runs, "send", "warmup")).append(" warm-up messages; ")
                .append(first(runs, "send", "messages")).append(" messages per phase; concurrent phase: ")
                .append(first(runs, "send", "concurrency")).append(" senders, ")
                .append(sendersMode(runs)).append(prewarm(runs)).append(")\n\n");
        md.append("| server | database | sequential msg/s | p50 ms | p99 ms | 10 senders msg/s | p50 ms | p99 ms | errors |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : runs) {
            JsonNode m = r.path("send").path("median");
            if (m.isMissingNode()) {
                continue;
            }
            JsonNode s = m.path("sequential");
            JsonNode c = m.path("concurrent");
            md.append("| **Bollwerk** | ").append(label(r)).append(" | **").append(n0(s.path("msg_per_s")))
                    .append("** | ").append(n1(s.path("p50_ms"))).append(" | ").append(n1(s.path("p99_ms")))
                    .append(" | **").append(n0(c.path("msg_per_s"))).append("** | ").append(n1(c.path("p50_ms")))
                    .append(" | ").append(n1(c.path("p99_ms"))).append(" | ")
                    .append(s.path("errors_total").asLong() + c.path("errors_total").asLong()).append(" |\n");
        }
        md.append("| target (issue 2 / issue 6) | both | 1,200 / 2,400 | | | 2,500 / 5,000 | | | 0 |\n");
        for (String[] p : PEERS) {
            md.append("| ").append(p[0]).append(" (published, 2 CPUs, measured elsewhere) | its default | ")
                    .append(p[1]).append(" | | | ").append(p[2]).append(" | | | |\n");
        }
        md.append("\nPer repeat (sequential / concurrent msg/s): ");
        List<String> per = new ArrayList<>();
        for (JsonNode r : runs) {
            List<String> vals = new ArrayList<>();
            for (JsonNode rep : r.path("send").path("repeats")) {
                vals.add(n0(rep.path("sequential").path("msg_per_s")) + " / " + n0(rep.path("concurrent").path("msg_per_s")));
            }
            if (!vals.isEmpty()) {
                per.add(label(r) + " " + String.join(", ", vals));
            }
        }
        md.append(String.join("; ", per)).append(".\n\n");
        md.append("CPU time per message (medians; from `/proc/<pid>/stat` of the server and the load generator's own "
                + "process CPU time), and the average number of busy cores during the phase:\n\n");
        for (JsonNode r : runs) {
            JsonNode m = r.path("send").path("median");
            if (m.isMissingNode()) {
                continue;
            }
            md.append("- ").append(label(r)).append(": ");
            List<String> parts = new ArrayList<>();
            for (String g : List.of("sequential", "concurrent")) {
                JsonNode p = m.path(g);
                parts.add(g + " — server " + n2(p.path("server_cpu_ms_per_msg")) + " ms/msg ("
                        + n2(p.path("server_cpu_cores")) + " cores), load generator "
                        + n2(p.path("loadgen_cpu_ms_per_msg")) + " ms/msg (" + n2(p.path("loadgen_cpu_cores")) + " cores)");
            }
            md.append(String.join("; ", parts)).append("\n");
        }
        md.append("\n");

        }
        if (any(runs, "latency")) {
        md.append("**Scenario 2 — send-to-receive latency** through a waiting `/sync?timeout=30000` of a second "
                + "member (one message at a time, each awaited; medians of the repeats)\n\n");
        md.append("| database | messages × repeats | p50 ms | p99 ms | max ms | send p50 ms | lost | duplicated | out of order |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : runs) {
            JsonNode l = r.path("latency");
            if (l.isMissingNode()) {
                continue;
            }
            JsonNode m = l.path("median");
            JsonNode rep0 = l.path("repeats").path(0);
            md.append("| ").append(label(r)).append(" | ").append(rep0.path("messages").asInt()).append(" × ")
                    .append(l.path("repeats").size()).append(" | ").append(n1(m.path("p50_ms"))).append(" | ")
                    .append(n1(m.path("p99_ms"))).append(" | ").append(n1(m.path("max_ms"))).append(" | ")
                    .append(n1(m.path("send_p50_ms"))).append(" | ").append(m.path("lost_total").asLong())
                    .append(" | ").append(m.path("duplicated_total").asLong()).append(" | ")
                    .append(m.path("out_of_order_total").asLong()).append(" |\n");
        }

        }
        ReportScenarios.append(md, runs);
        if (any(runs, "rename")) {
            md.append("\n**Scenario 7 — rename in ").append(first(runs, "rename", "rooms"))
                    .append(" rooms while another user sends** (medians of ").append(repeats(runs, "rename"))
                    .append(" repeats; the other user sends one message after the other into a room of their own)\n\n");
            md.append("| database | rename ms | sends during it | their p50 ms | p99 ms | max ms | without rename p50 ms | p99 ms | errors |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (JsonNode r : runs) {
                JsonNode m = r.path("rename").path("median");
                if (m.isMissingNode()) continue;
                md.append("| ").append(label(r)).append(" | ").append(n0(m.path("rename_ms"))).append(" | ")
                        .append(n0(m.path("sends_during_rename"))).append(" | ").append(n1(m.path("during_p50_ms")))
                        .append(" | ").append(n1(m.path("during_p99_ms"))).append(" | ").append(n1(m.path("during_max_ms")))
                        .append(" | ").append(n1(m.path("baseline_p50_ms"))).append(" | ").append(n1(m.path("baseline_p99_ms")))
                        .append(" | ").append(m.path("send_errors_total").asLong()).append(" |\n");
            }
        }
        md.append("\n**Footprint — server RSS** (VmRSS / VmHWM from `/proc/<pid>/status`; one fresh server per "
                + "scenario group)\n\n");
        md.append("| database | scenarios | idle after start | after the runs | peak (VmHWM) |\n|---|---|---:|---:|---:|\n");
        for (JsonNode r : runs) {
            JsonNode rss = r.path("rss");
            md.append("| ").append(label(r)).append(" | ").append(r.path("scenarios").asString("?")).append(" | ")
                    .append(mib(rss.path("idle_after_start_kib")))
                    .append(" | ").append(mib(rss.path("after_runs_kib"))).append(" | ")
                    .append(mib(rss.path("peak_kib"))).append(" |\n");
        }
        md.append("\nRaw results: ").append(String.join(", ", names.stream().map(n -> "`bench/results/" + n + "`").toList()))
                .append(" (not committed).\n");
        return md.toString();
    }

    private static boolean any(List<JsonNode> runs, String scenario) {
        return runs.stream().anyMatch(r -> r.has(scenario));
    }

    static String label(JsonNode r) {
        return r.path("meta").path("database").asString("?");
    }

    private static String prewarm(List<JsonNode> runs) {
        long n = runs.isEmpty() ? 0 : runs.get(0).path("prewarm_messages").asLong(0);
        return n > 0 ? "; **JIT pre-warmed** with " + String.format(Locale.ROOT, "%,d", n)
                + " unmeasured messages before the first repeat" : "; no extra JIT pre-warm";
    }

    private static String sendersMode(List<JsonNode> runs) {
        String mode = runs.isEmpty() ? "one-user" : runs.get(0).path("send").path("senders_mode").asString("one-user");
        return mode.equals("many-users")
                ? "each sender a different member of the room"
                : "all one user and one access token with distinct transaction IDs, as in the public comparison";
    }

    private static int repeats(List<JsonNode> runs, String scenario) {
        return runs.isEmpty() ? 0 : runs.get(0).path(scenario).path("repeats").size();
    }

    private static String first(List<JsonNode> runs, String scenario, String field) {
        return runs.isEmpty() ? "?" : runs.get(0).path(scenario).path(field).asString("?");
    }

    static String n0(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%,.0f", v.asDouble()) : "–";
    }

    static String n1(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.1f", v.asDouble()) : "–";
    }

    static String n2(JsonNode v) {
        return v.isNumber() && v.asDouble() >= 0 ? String.format(Locale.ROOT, "%.2f", v.asDouble()) : "–";
    }

    static String mib(JsonNode kib) {
        return kib.isNumber() && kib.asLong() >= 0 ? String.format(Locale.ROOT, "%.0f MiB", kib.asLong() / 1024.0) : "–";
    }
}
