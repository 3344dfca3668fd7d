package org.bollwerk.audit;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit log is never kept shorter than messages; the start refuses such settings and names them. */
class AuditRetentionSettingsTest {

    private static StandardEnvironment env(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return env;
    }

    @Test
    void anAuditRetentionShorterThanTheMessageRetentionIsRefused() {
        assertThatThrownBy(() -> AuditMaintenance.validate(new AuditProperties(30, Duration.ofHours(1)),
                env(Map.of(AuditMaintenance.MESSAGE_RETENTION, "90"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bollwerk.audit.retention-days").hasMessageContaining("30 days")
                .hasMessageContaining(AuditMaintenance.MESSAGE_RETENTION).hasMessageContaining("90 days");
        assertThatThrownBy(() -> AuditMaintenance.validate(new AuditProperties(30, Duration.ofHours(1)),
                env(Map.of(AuditMaintenance.MESSAGE_RETENTION, "0"))))
                .hasMessageContaining("forever");
    }

    @Test
    void keepingForeverOrLongerThanMessagesIsAccepted() {
        assertThatCode(() -> AuditMaintenance.validate(new AuditProperties(0, Duration.ofHours(1)),
                env(Map.of(AuditMaintenance.MESSAGE_RETENTION, "90")))).doesNotThrowAnyException();
        assertThatCode(() -> AuditMaintenance.validate(new AuditProperties(365, Duration.ofHours(1)),
                env(Map.of(AuditMaintenance.MESSAGE_RETENTION, "90")))).doesNotThrowAnyException();
        assertThatCode(() -> AuditMaintenance.validate(new AuditProperties(7, Duration.ofHours(1)), env(Map.of())))
                .doesNotThrowAnyException();
    }

    @Test
    void aCheckpointIntervalBelowOneSecondIsRefused() {
        assertThatThrownBy(() -> AuditMaintenance.validate(new AuditProperties(0, Duration.ofMillis(10)), env(Map.of())))
                .hasMessageContaining("bollwerk.audit.checkpoint-interval");
    }
}
