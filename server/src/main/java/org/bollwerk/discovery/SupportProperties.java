package org.bollwerk.discovery;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who users and security researchers reach about this server ({@code bollwerk.support.*}, env
 * {@code BOLLWERK_SUPPORT_*}), published at {@code /.well-known/matrix/support}; all empty = 404 there.
 *
 * @param adminEmail     the administrators' e-mail address (role {@code m.role.admin})
 * @param adminMatrixId  the administrators' Matrix user ID
 * @param securityEmail  where to report security issues (role {@code m.role.security})
 * @param page           a web page with help for users
 */
@Validated
@ConfigurationProperties("bollwerk.support")
public record SupportProperties(
        @NotNull @DefaultValue("") String adminEmail,
        @NotNull @Pattern(regexp = "|@[^:\\s]+:\\S+", message = "must be empty or a Matrix user ID") @DefaultValue("") String adminMatrixId,
        @NotNull @DefaultValue("") String securityEmail,
        @NotNull @Pattern(regexp = "|https?://\\S+", message = "must be empty or an http(s) URL") @DefaultValue("") String page) {

    boolean isEmpty() {
        return adminEmail.isEmpty() && adminMatrixId.isEmpty() && securityEmail.isEmpty() && page.isEmpty();
    }
}
