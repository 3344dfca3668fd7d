package org.bollwerk.sync;

import org.bollwerk.config.BollwerkProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SyncAdmissionTest {

    private static SyncAdmission admission(Map<String, String> settings) {
        BollwerkProperties props = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("bollwerk", BollwerkProperties.class);
        return new SyncAdmission(props);
    }

    @Test
    void aBuildBeyondTheBoundWaitsUntilAnotherEnds() throws Exception {
        SyncAdmission admission = admission(Map.of("bollwerk.sync.concurrent-builds", "2"));
        SyncAdmission.Permit first = admission.enter();
        SyncAdmission.Permit second = admission.enter();
        CountDownLatch third = new CountDownLatch(1);
        Thread waiting = Thread.ofVirtual().start(() -> {
            try (SyncAdmission.Permit p = admission.enter()) {
                third.countDown();
            }
        });
        assertThat(third.await(200, TimeUnit.MILLISECONDS)).as("third build admitted while two run").isFalse();
        first.close();
        assertThat(third.await(5, TimeUnit.SECONDS)).as("third build admitted once one ended").isTrue();
        waiting.join();
        second.close();
    }

    @Test
    void theDefaultFollowsTheCpuCountAndNeverExceedsThePool() {
        int cpus = Runtime.getRuntime().availableProcessors();
        assertThat(admission(Map.of()).size()).isEqualTo(Math.max(2, Math.min(2 * cpus, 16)));
        assertThat(admission(Map.of("bollwerk.database.pool-size", "3")).size()).isEqualTo(Math.max(2, Math.min(2 * cpus, 3)));
    }
}
