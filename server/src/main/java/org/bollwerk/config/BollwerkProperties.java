package org.bollwerk.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;

/**
 * All of Bollwerk's own settings, bound from {@code bollwerk.*} (and so from {@code BOLLWERK_*}
 * environment variables). The server refuses to start when a value is invalid, naming the key.
 */
@Validated
@ConfigurationProperties("bollwerk")
public record BollwerkProperties(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9.\\-\\[\\]:]+", message = "must be a valid Matrix server name")
        @DefaultValue("localhost") String serverName,
        @NotNull @DefaultValue("./data") Path dataDir,
        @Valid @NotNull @DefaultValue Database database,
        @Valid @NotNull @DefaultValue Admin admin,
        @Valid @NotNull @DefaultValue Registration registration,
        @Valid @NotNull @DefaultValue Limits limits,
        @Valid @NotNull @DefaultValue Sync sync,
        @Valid @NotNull @DefaultValue RateLimit rateLimit,
        @NotNull @Pattern(regexp = "|https?://[^/?#\\s]+(/[^?#\\s]*)?",
                message = "must be empty or an http(s) URL without query, e.g. https://matrix.example.org")
        @DefaultValue("") String publicBaseUrl,
        @NotNull @DefaultValue("private") E2eeDefault e2eeDefault) {

    /**
     * {@code e2eeDefault}: which new rooms get end-to-end encryption when the client did not ask.
     * {@code publicBaseUrl}: the URL clients reach this server at (behind a reverse proxy), announced in
     * {@code /.well-known/matrix/client}. Empty = taken from each request's scheme and host.
     */
    public String publicBaseUrl() {
        return publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
    }

    /** Empty url = embedded SQLite in the data directory. */
    public record Database(
            @DefaultValue("") String url,
            @DefaultValue("") String user,
            @DefaultValue("") String password,
            @NotNull @DefaultValue("FULL") SqliteSynchronous sqliteSynchronous,
            @Min(1) @DefaultValue("16") int poolSize) {

        public boolean isPostgres() {
            return url != null && url.startsWith("jdbc:postgresql:");
        }

        @Override
        public String toString() {  // never print the password
            return "Database[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                    + ", sqliteSynchronous=" + sqliteSynchronous + ", poolSize=" + poolSize + "]";
        }
    }

    /** Bootstrap server admin, created at start if it does not exist yet. */
    public record Admin(@DefaultValue("") String user, @DefaultValue("") String password) {
        @Override
        public String toString() {
            return "Admin[user=" + user + ", password=***]";
        }
    }

    public record Registration(@DefaultValue("false") boolean enabled) {
    }

    public record Limits(
            @Min(1024) @DefaultValue("65536") int maxEventBytes,
            @Min(1024) @DefaultValue("1048576") int maxRequestBytes) {
    }

    /** {@code concurrentBuilds}: sync responses built at once; 0 = twice the CPU count, at most the pool size. */
    public record Sync(
            @Min(0) @DefaultValue("60000") long maxTimeoutMs,
            @Min(1) @DefaultValue("50") int defaultTimelineLimit,
            @Min(0) @DefaultValue("0") int concurrentBuilds) {
    }

    /** Token-bucket rate limits; {@code adminsExempt} lets server admins through. */
    public record RateLimit(
            @DefaultValue("true") boolean enabled,
            @Min(1) @DefaultValue("5") double loginPerSecond,
            @Min(1) @DefaultValue("20") int loginBurst,
            @Min(1) @DefaultValue("200") double sendPerSecond,
            @Min(1) @DefaultValue("1000") int sendBurst,
            @DefaultValue("true") boolean adminsExempt) {
    }
}
