package org.bollwerk.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Many users at once: created through the Synapse-compatible admin API ({@code PUT /_synapse/admin/v2/users/...})
 * and logged in, in parallel. Each costs the server two Argon2id hashes (create and login), so this is
 * CPU-bound on the server; a handful of parallel requests is enough to keep its cores busy.
 */
final class Accounts {

    private Accounts() {
    }

    static List<MatrixClient> create(MatrixClient admin, HttpClient http, String baseUrl, int n, String tag,
                                     int parallel) throws Exception {
        String domain = admin.userId().substring(admin.userId().indexOf(':') + 1);
        MatrixClient[] out = new MatrixClient[n];
        Semaphore slots = new Semaphore(parallel);
        List<Future<?>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(ex.submit(() -> {
                    slots.acquire();
                    try {
                        String uid = "@b" + tag + "_" + k + ":" + domain;
                        String pw = "bench-" + tag + "-pw-" + k;
                        admin.adminPutUser(uid, pw, false);
                        out[k] = new MatrixClient(http, baseUrl).login(uid, pw);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        System.err.printf("bench: %d users created and logged in in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        return List.of(out);
    }
}
