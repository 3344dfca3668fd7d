package org.bollwerk.audit;

import org.bollwerk.cluster.JobLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Every {@code bollwerk.audit.checkpoint-interval}: a signed checkpoint of the chain head, then retention.
 * Both are idempotent, so two nodes doing it at once would do no harm; a job lease still lets one node at a
 * time do the work. At start, refuses an audit retention shorter than the message retention: the record of
 * what was done to messages must outlive them.
 */
@Component
class AuditMaintenance implements SchedulingConfigurer {
    /** The message retention setting this is checked against (set by the retention feature, if any). */
    static final String MESSAGE_RETENTION = "bollwerk.retention.messages-days";
    private static final Logger log = LoggerFactory.getLogger(AuditMaintenance.class);
    private static final Duration LEASE_TTL = Duration.ofMinutes(5);
    private final AuditTrail trail;
    private final AuditProperties props;
    private final JobLease lease;

    AuditMaintenance(AuditTrail trail, AuditProperties props, JobLease lease, Environment env) {
        this.trail = trail;
        this.props = props;
        this.lease = lease;
        validate(props, env);
    }

    static void validate(AuditProperties props, Environment env) {
        if (props.checkpointInterval().isNegative() || props.checkpointInterval().toSeconds() < 1) {
            throw new IllegalStateException("bollwerk.audit.checkpoint-interval (BOLLWERK_AUDIT_CHECKPOINT_INTERVAL) must be "
                    + "at least 1s, got " + props.checkpointInterval());
        }
        Integer messageDays = env.getProperty(MESSAGE_RETENTION, Integer.class);
        if (props.retentionDays() > 0 && messageDays != null && (messageDays <= 0 || props.retentionDays() < messageDays)) {
            throw new IllegalStateException("bollwerk.audit.retention-days (BOLLWERK_AUDIT_RETENTION_DAYS) is "
                    + props.retentionDays() + " days, shorter than the message retention " + MESSAGE_RETENTION + " = "
                    + (messageDays <= 0 ? "forever" : messageDays + " days")
                    + ". The audit log must be kept at least as long as messages: raise it or set 0 (keep forever).");
        }
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(() -> lease.runExclusively("audit-maintenance", LEASE_TTL, this::run),
                props.checkpointInterval(), props.checkpointInterval()));
    }

    void run() {
        try {
            trail.checkpoint().ifPresent(c -> log.debug("Audit checkpoint at seq {}", c.seq()));
            trail.applyRetention(props.retentionDays());
        } catch (RuntimeException e) {
            log.error("Audit log maintenance failed: {}", e.getMessage(), e);
            try {
                trail.record(AuditTrail.SYSTEM, null, "audit.checkpoint", null, null, null, 500, e.getMessage());
            } catch (RuntimeException again) {
                log.error("Could not record the failure in the audit log", again);
            }
        }
    }
}
