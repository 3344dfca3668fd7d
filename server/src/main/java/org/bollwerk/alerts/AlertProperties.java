package org.bollwerk.alerts;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Alert settings ({@code bollwerk.alerts.*}, env {@code BOLLWERK_ALERTS_*}); see docs/alerts.md.
 *
 * @param remindAfter    default time after which those who have not acknowledged get a reminder (an alert's
 *                       {@code remind_after_ms} overrides it); {@code 0} = no reminders unless the alert asks
 * @param maxReminders   reminders per alert at most (one every {@code remindAfter})
 * @param trackFor       how long an alert is followed (reminders, escalation) before its outcome is recorded
 *                       in the audit log as final
 * @param checkInterval  how often one node (under the cluster job lease) looks for due reminders and escalations
 * @param joinBatchSize  recipients joined to the alert room per write
 */
@Validated
@ConfigurationProperties("bollwerk.alerts")
public record AlertProperties(
        @NotNull @DefaultValue("10m") Duration remindAfter,
        @DefaultValue("3") int maxReminders,
        @NotNull @DefaultValue("24h") Duration trackFor,
        @NotNull @DefaultValue("30s") Duration checkInterval,
        @DefaultValue("250") int joinBatchSize) {

    public AlertProperties {
        if (remindAfter.isNegative()) throw new IllegalArgumentException("bollwerk.alerts.remind-after must not be negative");
        if (maxReminders < 0 || maxReminders > 100) {
            throw new IllegalArgumentException("bollwerk.alerts.max-reminders must be between 0 and 100");
        }
        if (trackFor.toMinutes() < 1) throw new IllegalArgumentException("bollwerk.alerts.track-for must be at least 1m");
        if (checkInterval.toMillis() < 1000) {
            throw new IllegalArgumentException("bollwerk.alerts.check-interval must be at least 1s");
        }
        if (joinBatchSize < 1 || joinBatchSize > 5000) {
            throw new IllegalArgumentException("bollwerk.alerts.join-batch-size must be between 1 and 5000");
        }
    }
}
