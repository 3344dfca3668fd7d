package org.bollwerk.keys;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.util.Locale;

/** Which key provider holds the key-encryption key ({@code file} or {@code pkcs11}), as an info metric of value 1. */
@Component
class KeyMetrics {
    KeyMetrics(MeterRegistry meters, KeysProperties keys) {
        Gauge.builder("bollwerk.keys.provider.info", () -> 1).tag("provider", keys.provider().name().toLowerCase(Locale.ROOT))
                .description("The key provider of the key-encryption key").register(meters);
    }
}
