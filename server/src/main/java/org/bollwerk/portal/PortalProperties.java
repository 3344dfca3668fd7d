package org.bollwerk.portal;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Settings of the admin portal ({@code bollwerk.portal.*}).
 *
 * @param sessionTimeout   idle time after which a portal session ends
 * @param maxCodeFailures  wrong second-factor codes in a row before the account's codes are refused for a while
 * @param codeLockout      how long codes are refused after that
 * @param apiTokenLifetime lifetime of admin API tokens the portal issues
 */
@Validated
@ConfigurationProperties("bollwerk.portal")
record PortalProperties(
        @NotNull @DefaultValue("15m") Duration sessionTimeout,
        @Min(1) @Max(100) @DefaultValue("5") int maxCodeFailures,
        @NotNull @DefaultValue("15m") Duration codeLockout,
        @NotNull @DefaultValue("1h") Duration apiTokenLifetime) {
}
