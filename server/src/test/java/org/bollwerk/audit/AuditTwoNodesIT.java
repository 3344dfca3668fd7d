package org.bollwerk.audit;

import org.bollwerk.BollwerkApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two nodes on one PostgreSQL database append at the same time: the chain-head row lock keeps the chain
 * linear (no two entries after the same predecessor), and it verifies. PostgreSQL only: SQLite is one node.
 */
class AuditTwoNodesIT {
    private static final int PER_THREAD = 25;
    private static final int THREADS = 4;

    private static ConfigurableApplicationContext start(Path dataDir, String... more) {
        List<String> args = new ArrayList<>(List.of("--bollwerk.data-dir=" + dataDir, "--server.port=0",
                "--bollwerk.rate-limit.enabled=false"));
        for (String property : more) args.add("--" + property);
        // command-line arguments: they win over application.properties' server.port (8008 may be taken)
        return new SpringApplicationBuilder(BollwerkApplication.class).run(args.toArray(String[]::new));
    }

    @Test
    void concurrentAppendsFromTwoNodesFormOneChain(@TempDir Path dir) throws Exception {
        assumeTrue("postgresql".equals(System.getProperty("bollwerk.test.database")), "two nodes need PostgreSQL");
        try (ConfigurableApplicationContext one = start(dir)) {
            String url = one.getEnvironment().getProperty("bollwerk.database.url");
            String user = one.getEnvironment().getProperty("bollwerk.database.user");
            try (ConfigurableApplicationContext two = start(dir, "bollwerk.database.url=" + url,
                    "bollwerk.database.user=" + user)) {
                List<AuditTrail> nodes = List.of(one.getBean(AuditTrail.class), two.getBean(AuditTrail.class));
                try (ExecutorService pool = Executors.newFixedThreadPool(THREADS * nodes.size())) {
                    List<Future<?>> done = new ArrayList<>();
                    for (int n = 0; n < nodes.size(); n++) {
                        AuditTrail node = nodes.get(n);
                        for (int t = 0; t < THREADS; t++) {
                            String actor = "@node" + n + "-t" + t + ":localhost";
                            done.add(pool.submit(() -> {
                                for (int i = 0; i < PER_THREAD; i++) node.record(actor, "operator", "POST /x", null, null, null, 200);
                            }));
                        }
                    }
                    for (Future<?> f : done) f.get();
                }
                long appended = (long) nodes.size() * THREADS * PER_THREAD;
                for (AuditTrail node : nodes) {
                    AuditVerifier.Result result = node.verify(List.of());
                    assertThat(result.ok()).as(result.problem()).isTrue();
                    assertThat(result.entries()).isEqualTo(appended + 1);  // + the signing key's creation
                }
                assertThat(nodes.get(1).checkpoint()).get().extracting(AuditTrail.Checkpoint::seq).isEqualTo(appended + 1);
                assertThat(nodes.get(0).checkpoint()).get().extracting(AuditTrail.Checkpoint::seq).isEqualTo(appended + 1);
            }
        }
    }
}
