package org.bollwerk.account;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Settings of admin service accounts ({@code bollwerk.service-accounts.*}).
 *
 * @param maxLifetime the longest expiry a service account may be given: every one must be renewed by a person
 *                    with the second factor at least this often
 */
@Validated
@ConfigurationProperties("bollwerk.service-accounts")
record ServiceAccountProperties(@NotNull @DefaultValue("365d") Duration maxLifetime) {
}
