package org.bollwerk.audit;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Audit log settings ({@code bollwerk.audit.*}, env {@code BOLLWERK_AUDIT_*}).
 *
 * @param retentionDays      entries older than this many days are deleted (a prefix of the chain; a signed
 *                           checkpoint keeps the rest verifiable); 0 = keep forever. Never shorter than the
 *                           message retention ({@code bollwerk.retention.messages-days}, when set)
 * @param checkpointInterval how often a signed checkpoint of the chain head is made (and retention runs)
 */
@Validated
@ConfigurationProperties("bollwerk.audit")
public record AuditProperties(@Min(0) @DefaultValue("0") int retentionDays,
                              @DefaultValue("1h") Duration checkpointInterval) {
}
