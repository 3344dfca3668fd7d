package org.bollwerk.bench;

import org.bollwerk.matrix.json.Json;
import org.bollwerk.matrix.push.PushContext;
import org.bollwerk.matrix.push.PushResult;
import org.bollwerk.matrix.push.PushRules;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cost of push-rule evaluation on the send path: one message into a room of 1,000 members evaluates 999
 * rule sets (the server's default rules, every tenth user with a few rules of their own). Measures compiling
 * the 999 sets (a cold rule cache) and evaluating one message against all of them (a warm cache, the
 * common case), in-process, without the database.
 *
 * <p>Run from the repository root: {@code java -cp bench/target/classes:<matrix-core jar and jackson>
 * org.bollwerk.bench.PushRulesBench [members] [rounds]} (see docs/benchmarks.md for the command).
 */
public final class PushRulesBench {
    private PushRulesBench() {
    }

    public static void main(String[] args) throws IOException {
        int members = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        String template = Files.readString(Path.of("server/src/main/resources/org/bollwerk/userdata/default-push-rules.json"));
        List<ObjectNode> sets = new ArrayList<>();
        for (int i = 1; i < members; i++) {
            ObjectNode set = Json.parseObject(template.replace("${user_id}", "@user" + i + ":example.org")
                    .replace("${localpart}", "user" + i).getBytes(StandardCharsets.UTF_8));
            if (i % 10 == 0) {
                ((ArrayNode) set.get("room")).add(Json.parseObject(("{\"rule_id\":\"!muted" + i
                        + ":example.org\",\"enabled\":true,\"actions\":[]}").getBytes(StandardCharsets.UTF_8)));
                ((ArrayNode) set.get("content")).insert(0, Json.parseObject(("{\"rule_id\":\"kw\",\"enabled\":true,"
                        + "\"pattern\":\"release*\",\"actions\":[\"notify\",{\"set_tweak\":\"highlight\"}]}")
                        .getBytes(StandardCharsets.UTF_8)));
            }
            sets.add(set);
        }
        ObjectNode message = Json.parseObject(("{\"type\":\"m.room.message\",\"sender\":\"@user0:example.org\","
                + "\"room_id\":\"!big:example.org\",\"content\":{\"msgtype\":\"m.text\",\"body\":\"the build for "
                + "tomorrow is green, please have a look at the dashboard before the meeting\",\"m.mentions\":{}}}")
                .getBytes(StandardCharsets.UTF_8));

        long[] compile = new long[20];
        List<PushRules> compiled = new ArrayList<>();
        for (int r = 0; r < compile.length; r++) {
            compiled.clear();
            long start = System.nanoTime();
            for (ObjectNode set : sets) compiled.add(PushRules.compile(set));
            compile[r] = System.nanoTime() - start;
        }
        System.out.printf("members %d, rule sets %d%n", members, compiled.size());
        System.out.printf("compile all rule sets (cold cache): median %.2f ms%n", median(compile) / 1e6);
        measure("with m.mentions (current clients)", message, compiled, members, rounds);
        ObjectNode legacy = message.deepCopy();
        ((ObjectNode) legacy.get("content")).remove("m.mentions");  // display-name and user-name rules apply
        measure("without m.mentions (older clients)", legacy, compiled, members, rounds);
    }

    private static void measure(String what, ObjectNode message, List<PushRules> compiled, int members, int rounds) {
        long[] evaluate = new long[rounds];
        int notified = 0;
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            int n = 0;
            for (int i = 0; i < compiled.size(); i++) {
                PushResult result = compiled.get(i).evaluate(message,
                        new PushContext("User " + i, members, 0, key -> 50));
                if (result.notifies()) n++;
            }
            evaluate[r] = System.nanoTime() - start;
            notified = n;
        }
        System.out.printf("evaluate one message %s for all (warm cache): median %.3f ms, p99 %.3f ms, "
                        + "per member %.2f µs, notified %d%n", what, median(evaluate) / 1e6,
                percentile(evaluate, 0.99) / 1e6, median(evaluate) / 1e3 / compiled.size(), notified);
    }

    private static double median(long[] values) {
        return percentile(values, 0.5);
    }

    private static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }
}
