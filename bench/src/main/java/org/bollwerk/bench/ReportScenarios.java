package org.bollwerk.bench;

import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Locale;

import static org.bollwerk.bench.Report.label;
import static org.bollwerk.bench.Report.mib;
import static org.bollwerk.bench.Report.n0;
import static org.bollwerk.bench.Report.n1;
import static org.bollwerk.bench.Report.n2;

/** Markdown for the many-user scenarios (2–6) and the storage limit. */
final class ReportScenarios {

    private ReportScenarios() {
    }

    static void append(StringBuilder md, List<JsonNode> runs) {
        delivery(md, runs);
        capacity(md, runs, "capacity");
        capacity(md, runs, "footprint");
        idle(md, runs);
        sync(md, runs);
        storage(md, runs);
    }

    private static void delivery(StringBuilder md, List<JsonNode> runs) {
        List<JsonNode> with = runs.stream().filter(r -> r.has("delivery")).toList();
        if (with.isEmpty()) {
            return;
        }
        JsonNode d0 = with.get(0).path("delivery");
        JsonNode rep0 = d0.path("repeats").path(0);
        md.append("**Scenario 2 — delivery to ").append(d0.path("accounts").asInt()).append(" syncing users** (")
                .append(d0.path("rooms").asInt()).append(" rooms: every user in one room of 2–3 members, ")
                .append(d0.path("large_rooms").asInt()).append(" rooms of ").append(d0.path("large_size").asInt())
                .append(" random members, one room with everybody; ").append(n0(rep0.path("target_msg_per_s")))
                .append(" msg/s scheduled for ").append(rep0.path("schedule_seconds").asInt(30)).append(" s per repeat: ")
                .append(n1(rep0.path("all_room_msg_per_s"))).append(" msg/s into the room with everybody, ")
                .append(String.format(Locale.ROOT, "%.0f %%", rep0.path("large_room_share").asDouble() * 100))
                .append(" of the rest into the large rooms, the others into the small ones; each user one long-poll "
                        + "`/sync` with a messages-only filter; latency from the start of the send to the receipt of "
                        + "the sync response carrying it, over every (message, receiving member) pair; medians of ")
                .append(d0.path("repeats").size()).append(" repeats)\n\n");
        md.append("| database | msg/s achieved | delivery p50 ms | p99 ms | max ms | send p50 ms | p99 ms | deliveries "
                + "(expected, all repeats) | lost | duplicated | server cores | load gen cores |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : with) {
            JsonNode m = r.path("delivery").path("median");
            md.append("| ").append(label(r)).append(" | ").append(n0(m.path("msg_per_s"))).append(" | ")
                    .append(n1(m.path("delivery_p50_ms"))).append(" | ").append(n1(m.path("delivery_p99_ms")))
                    .append(" | ").append(n1(m.path("delivery_max_ms"))).append(" | ")
                    .append(n1(m.path("send_p50_ms"))).append(" | ").append(n1(m.path("send_p99_ms"))).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", m.path("deliveries_expected_total").asLong()))
                    .append(" | ").append(m.path("lost_total").asLong()).append(" | ")
                    .append(m.path("duplicated_total").asLong()).append(" | ").append(n2(m.path("server_cpu_cores")))
                    .append(" | ").append(n2(m.path("loadgen_cpu_cores"))).append(" |\n");
        }
        md.append("| target (issue 6) | 200 | | < 50 | | | | | 0 | 0 | | |\n\n");
        for (JsonNode r : with) {
            JsonNode m = r.path("delivery").path("median");
            md.append("- ").append(label(r)).append(": send errors ").append(m.path("send_errors_total").asLong())
                    .append(", sync errors ").append(m.path("sync_errors_total").asLong())
                    .append(", limited timelines ").append(m.path("limited_timelines_total").asLong());
            if (m.has("server_cpu_ms_per_sync_response")) {
                md.append("; ").append(String.format(Locale.ROOT, "%,d", m.path("sync_responses").asLong()))
                        .append(" sync responses per repeat, server CPU per sync response (all server work divided by them) ")
                        .append(m.path("server_cpu_ms_per_sync_response").asDouble()).append(" ms");
            }
            md.append("; per repeat delivery p99 ms: ");
            StringBuilder per = new StringBuilder();
            for (JsonNode rep : r.path("delivery").path("repeats")) {
                per.append(per.isEmpty() ? "" : ", ").append(n1(rep.path("delivery_p99_ms")));
            }
            md.append(per).append("\n");
        }
        md.append("\n");
    }

    private static void capacity(StringBuilder md, List<JsonNode> runs, String key) {
        List<JsonNode> with = runs.stream().filter(r -> r.has(key)).toList();
        if (with.isEmpty()) {
            return;
        }
        JsonNode c0 = with.get(0).path(key);
        boolean footprint = key.equals("footprint");
        md.append(footprint ? "**Scenario 6 — footprint with active users**" : "**Scenario 3 — capacity ramp**")
                .append(" (active users: each syncs with a long-poll and sends one message every ")
                .append(c0.path("send_period_seconds").asInt()).append(" s into its 2–3 member room, first send at a "
                        + "random moment of its first period; steps of ")
                .append(c0.path("step_users").asInt()).append(" users, each measured for ")
                .append(c0.path("step_seconds").asInt()).append(" s right after its users are syncing; stop after the "
                        + "first step with send p95 > ").append(n0(c0.path("send_p95_limit_ms")))
                .append(" ms or delivery p99 > ").append(n0(c0.path("delivery_p99_limit_ms"))).append(" ms, or at ")
                .append(c0.path("max_users").asInt()).append(" users. ").append(c0.path("accounts").asInt())
                .append(" accounts: above that, users share accounts round-robin — several syncing clients on one "
                        + "access token — because every account costs two Argon2id hashes to create and log in)\n\n");
        md.append("| database | users | msg/s | send p50 ms | send p95 ms | deliveries | delivery p50 ms | p99 ms | "
                + "server cores | server RSS | within limits |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (JsonNode r : with) {
            for (JsonNode st : r.path(key).path("steps")) {
                md.append("| ").append(label(r)).append(" | ").append(st.path("clients").asInt()).append(" | ")
                        .append(n1(st.path("msg_per_s"))).append(" | ").append(n1(st.path("send_p50_ms"))).append(" | ")
                        .append(n1(st.path("send_p95_ms"))).append(" | ").append(st.path("deliveries").asInt())
                        .append(" | ").append(n1(st.path("delivery_p50_ms"))).append(" | ")
                        .append(n1(st.path("delivery_p99_ms"))).append(" | ").append(n2(st.path("server_cpu_cores")))
                        .append(" | ").append(mib(st.path("server_rss_kib"))).append(" | ")
                        .append(st.path("within_limits").asBoolean() ? "yes" : "**no**").append(" |\n");
            }
        }
        md.append("\n");
        for (JsonNode r : with) {
            JsonNode c = r.path(key);
            JsonNode t = c.path("totals");
            md.append("- ").append(label(r)).append(": ");
            if (!footprint) {
                md.append("**maximum within the limits: ").append(c.path("max_clients_within_limits").asInt())
                        .append(" active users** (stopped by ").append(c.path("stopped_by").asString()).append("); ");
            } else {
                md.append("idle RSS after start ").append(mib(r.path("rss").path("idle_after_start_kib")))
                        .append(", peak (VmHWM) ").append(mib(r.path("rss").path("peak_kib"))).append("; ");
            }
            md.append("whole ramp: ").append(t.path("messages_sent").asInt()).append(" messages, ")
                    .append(t.path("deliveries_seen").asLong()).append(" of ")
                    .append(t.path("deliveries_expected").asLong()).append(" expected deliveries seen (lost ")
                    .append(t.path("lost").asLong()).append(", duplicated ").append(t.path("duplicated").asLong())
                    .append("), send errors ").append(t.path("send_errors").asInt()).append(", sync errors ")
                    .append(t.path("sync_errors").asInt()).append("\n");
        }
        md.append(footprint ? "\nTarget (issue 6): RSS < 512 MiB with 500 active users.\n\n"
                : "\nTarget (issue 6): >= 5,000 active users on 2 cores.\n\n");
    }

    private static void idle(StringBuilder md, List<JsonNode> runs) {
        List<JsonNode> with = runs.stream().filter(r -> r.has("idle")).toList();
        if (with.isEmpty()) {
            return;
        }
        JsonNode i0 = with.get(0).path("idle");
        md.append("**Scenario 4 — idle held connections** (long-polls `/sync?since=...&timeout=")
                .append(i0.path("long_poll_timeout_ms").asInt()).append("` opened asynchronously over one HTTP client at ")
                .append(i0.path("open_per_s").asInt()).append("/s from 127.0.0.1–127.0.0.")
                .append(i0.path("source_hosts").asInt()).append(", spread over ").append(i0.path("accounts").asInt())
                .append(" accounts; held = ESTABLISHED sockets on the server's port from /proc/net/tcp{,6}; "
                        + "then one message in a room all accounts share must answer every one; Tomcat "
                        + "`server.tomcat.max-connections` = ").append(i0.path("server_max_connections").asString())
                .append(" for this run)\n\n");
        md.append("| database | requested | held by the server | RSS before | RSS held | RSS per held connection | "
                + "server threads | woken by one message | wake-up of all s | failed |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : with) {
            JsonNode i = r.path("idle");
            md.append("| ").append(label(r)).append(" | ").append(i.path("connections_requested").asInt()).append(" | ")
                    .append(i.path("held_by_server").asInt()).append(" | ").append(mib(i.path("server_rss_before_kib")))
                    .append(" | ").append(mib(i.path("server_rss_held_kib"))).append(" | ")
                    .append(n1(i.path("rss_per_held_connection_kib"))).append(" KiB | ")
                    .append(i.path("server_threads_held").asLong()).append(" | ")
                    .append(i.path("woken_with_the_message").asInt()).append(" | ")
                    .append(n1(i.path("wake_all_seconds"))).append(" | ")
                    .append(i.path("failed_to_open_or_answer").asInt()).append(" |\n");
        }
        md.append("\nTarget (issue 6): >= 20,000 held with server RSS < 1 GiB. Open-file limit of the server and the "
                + "load generator (`ulimit -n`): ").append(with.get(0).path("meta").path("fd_limit").asString("?"))
                .append(".\n\n");
    }

    private static void sync(StringBuilder md, List<JsonNode> runs) {
        List<JsonNode> with = runs.stream().filter(r -> r.has("sync")).toList();
        if (with.isEmpty()) {
            return;
        }
        JsonNode s0 = with.get(0).path("sync");
        md.append("**Scenario 5 — initial and gappy sync** (no filter and no `since`, as a new client does: the server's "
                + "default timeline limit; history: the first ").append(s0.path("rooms_with_full_history").asInt())
                .append(" rooms have ").append(s0.path("events_per_full_room").asInt())
                .append(" messages each, the other rooms ").append(s0.path("events_per_other_room").asInt())
                .append(" (").append(String.format(Locale.ROOT, "%,d", s0.path("events_seeded").asLong()))
                .append(" messages seeded through the API); gap: ")
                .append(String.format(Locale.ROOT, "%,d", s0.path("gap_events").asLong())).append(" messages over the first ")
                .append(s0.path("gap_rooms").asInt()).append(" rooms, then `/sync?since=<token before the gap>`; medians of ")
                .append(s0.path("repeats").asInt()).append(", first call in brackets)\n\n");
        md.append("| database | rooms | initial sync ms | size | incremental after the gap ms | size |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : with) {
            for (JsonNode u : r.path("sync").path("users")) {
                md.append("| ").append(label(r)).append(" | ").append(u.path("rooms").asInt()).append(" | ")
                        .append(n0(u.path("initial_median_ms"))).append(" (").append(n0(u.path("initial_first_ms")))
                        .append(") | ").append(kib(u.path("initial_bytes"))).append(" | ")
                        .append(n0(u.path("gappy_median_ms"))).append(" (").append(n0(u.path("gappy_first_ms")))
                        .append(") | ").append(kib(u.path("gappy_bytes"))).append(" |\n");
            }
        }
        md.append("\nTarget (issue 6): initial sync < 1 s at 100 rooms. Seeding rate through the API: ");
        md.append(String.join(", ", with.stream().map(r -> label(r) + " " + n0(r.path("sync").path("seed_msg_per_s"))
                + " msg/s").toList())).append("; failed calls: ");
        md.append(String.join(", ", with.stream().map(r -> label(r) + " " + r.path("sync").path("failures").asInt())
                .toList())).append(".\n\n");
    }

    private static void storage(StringBuilder md, List<JsonNode> runs) {
        List<JsonNode> with = runs.stream().filter(r -> r.has("storage_limit")).toList();
        if (with.isEmpty()) {
            return;
        }
        md.append("**Storage limit** (the rows of a message send — stream counter `UPDATE ... RETURNING` and one "
                + "`events` row with a real stored, encrypted PDU as template — inserted straight through JDBC into the "
                + "stopped server's database, same schema and durability settings, 1 and 10 events per commit as the "
                + "group-commit writer batches them; the server's figures are the scenario 1 medians of the same run)\n\n");
        md.append("| database | raw, 1 per commit rows/s | server sequential msg/s | fraction | raw, 10 per commit rows/s "
                + "| server 10 senders msg/s | fraction |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : with) {
            JsonNode l = r.path("storage_limit");
            JsonNode m = r.path("send").path("median");
            double raw1 = l.path("batch_1_rows_per_s").asDouble();
            double raw10 = l.path("batch_10_rows_per_s").asDouble();
            double seq = m.path("sequential").path("msg_per_s").asDouble();
            double conc = m.path("concurrent").path("msg_per_s").asDouble();
            md.append("| ").append(label(r)).append(" | ").append(n0(l.path("batch_1_rows_per_s"))).append(" | ")
                    .append(n0(m.path("sequential").path("msg_per_s"))).append(" | ").append(pct(seq, raw1)).append(" | ")
                    .append(n0(l.path("batch_10_rows_per_s"))).append(" | ")
                    .append(n0(m.path("concurrent").path("msg_per_s"))).append(" | ").append(pct(conc, raw10))
                    .append(" |\n");
        }
        md.append("\n");
    }

    private static String pct(double part, double whole) {
        return whole > 0 && part > 0 ? String.format(Locale.ROOT, "%.0f %%", 100 * part / whole) : "–";
    }

    private static String kib(JsonNode bytes) {
        return bytes.isNumber() ? String.format(Locale.ROOT, "%,.0f KiB", bytes.asLong() / 1024.0) : "–";
    }
}
