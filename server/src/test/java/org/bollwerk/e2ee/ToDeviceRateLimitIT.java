package org.bollwerk.e2ee;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** sendToDevice with the rate limits on (the shared test context runs without them). */
class ToDeviceRateLimitIT extends E2eeTestBase {

    @DynamicPropertySource
    static void limits(DynamicPropertyRegistry registry) {
        registry.add("bollwerk.rate-limit.enabled", () -> "true");
        registry.add("bollwerk.rate-limit.to-device.messages-per-second", () -> "1");
        registry.add("bollwerk.rate-limit.to-device.messages-burst", () -> "5");
        registry.add("bollwerk.rate-limit.to-device.bytes-per-second", () -> "1000");
        registry.add("bollwerk.rate-limit.to-device.bytes-burst", () -> "20000");
    }

    private static Map<String, Object> to(User user, Object content) {
        return Map.of("messages", Map.of(user.userId(), Map.of("*", content)));
    }

    @Test
    void aSenderBeyondItsMessageRateIsRefusedAndARetryOfTheSameRequestDeliversIt() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User carol = newUser("carol");
        for (int i = 0; i < 5; i++) ok(put(alice, "/sendToDevice/m.test/m" + i, to(bob, Map.of("n", i))));
        var limited = put(alice, "/sendToDevice/m.test/m5", to(bob, Map.of("n", 5)));
        refused(limited, 429, "M_LIMIT_EXCEEDED");
        long retryAfter = limited.json().get("retry_after_ms").asLong();
        assertThat(retryAfter).isBetween(1L, 1000L);
        ok(put(carol, "/sendToDevice/m.test/c0", to(bob, Map.of("n", "from carol"))));  // per sender

        long deadline = System.currentTimeMillis() + 10_000;
        var retried = put(alice, "/sendToDevice/m.test/m5", to(bob, Map.of("n", 5)));
        while (retried.status() == 429 && System.currentTimeMillis() < deadline) {
            retried = put(alice, "/sendToDevice/m.test/m5", to(bob, Map.of("n", 5)));
        }
        ok(retried);
        int fromAlice = 0;
        for (JsonNode e : sync(bob, null).path("to_device").path("events")) {
            if (e.path("sender").asString().equals(alice.userId())) fromAlice++;
        }
        assertThat(fromAlice).isEqualTo(6);  // each request once, the retried one included
    }

    @Test
    void aSenderBeyondItsVolumeIsRefusedEvenInFewMessages() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String big = "x".repeat(15_000);
        ok(put(alice, "/sendToDevice/m.test/v0", to(bob, Map.of("blob", big))));
        var limited = put(alice, "/sendToDevice/m.test/v1", to(bob, Map.of("blob", big)));
        refused(limited, 429, "M_LIMIT_EXCEEDED");
        assertThat(limited.json().get("retry_after_ms").asLong()).isGreaterThan(1000L);
    }
}
