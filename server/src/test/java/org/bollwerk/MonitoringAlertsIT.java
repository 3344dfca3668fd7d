package org.bollwerk;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example alert rules in {@code docs/monitoring/alerts.yml} use only metrics a started server exposes at
 * {@code /_bollwerk/actuator/prometheus}, and Bollwerk's own metrics carry no user, room or address labels.
 */
class MonitoringAlertsIT extends ClientApiTestBase {
    private static final Pattern METRIC = Pattern.compile("\\bbollwerk_[a-z0-9_]+");

    @Test
    void everyMetricTheExampleAlertsUseExistsAfterStart() throws Exception {
        String rules = Files.readString(Path.of("..", "docs", "monitoring", "alerts.yml"));
        Set<String> used = new TreeSet<>();
        for (String line : rules.lines().filter(l -> l.strip().startsWith("expr:")).toList()) {
            Matcher m = METRIC.matcher(line);
            while (m.find()) used.add(m.group());
        }
        assertThat(used).contains("bollwerk_audit_checkpoint_age_seconds", "bollwerk_sync_builds_queued",
                "bollwerk_ratelimit_refusals_total", "bollwerk_logins_failed_total");

        var scrape = http.get("/_bollwerk/actuator/prometheus", null);
        assertThat(scrape.status()).isEqualTo(200);
        Set<String> exposed = new TreeSet<>();
        for (String line : scrape.text().lines().filter(l -> !l.startsWith("#")).toList()) {
            Matcher m = Pattern.compile("^([a-z_][a-z0-9_]*)").matcher(line);
            if (m.find()) exposed.add(m.group(1));
        }
        assertThat(exposed).containsAll(used);
        assertThat(exposed).contains("bollwerk_events_written_total", "bollwerk_sends_total",
                "bollwerk_sync_longpolls_waiting", "bollwerk_sync_builds_running", "bollwerk_keys_provider_info",
                "bollwerk_portal_second_factor_failures_total", "bollwerk_admin_anonymous_refusals_total");
        assertThat(scrape.text().lines().filter(l -> l.startsWith("bollwerk_")))
                .as("no user, room or address labels").noneMatch(l -> l.matches(".*(user|room|ip|address|device)[a-z_]*=.*"));
        assertThat(scrape.text()).contains("bollwerk_ratelimit_refusals_total{kind=\"login\"}",
                "bollwerk_keys_provider_info{provider=\"file\"} 1");
    }
}
