package org.bollwerk.admin;

import io.micrometer.core.instrument.MeterRegistry;
import org.bollwerk.audit.AuditEntry;
import org.bollwerk.audit.AuditQuery;
import org.bollwerk.audit.AuditTrail;
import org.bollwerk.tenant.TenantTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admin requests refused before authentication cannot flood the audit trail (issue 24): they are counted in a
 * metric and summarised per client address and interval, while an authenticated caller's refusal is still
 * recorded on its own.
 */
class AnonymousRefusalsIT extends TenantTestBase {
    private static final Pattern COUNT = Pattern.compile("^(\\d+) requests refused without authentication");

    @Autowired
    AnonymousRefusals refusals;
    @Autowired
    AuditTrail audit;
    @Autowired
    MeterRegistry meters;

    @Test
    void refusalsWithoutAValidTokenAreCountedAndSummarisedNotRecordedOneByOne() {
        refusals.summarise();   // what earlier tests left
        long mark = newestId();
        double metricBefore = metric();
        List<String> paths = List.of(USERS + "%40x%3Alocalhost", TENANTS, "/_bollwerk/admin/v1/audit", "/_synapse/admin/v2/users");
        for (int i = 0; i < 60; i++) {
            String path = paths.get(i % paths.size());
            int status = http.get(path, i % 2 == 0 ? null : "syt_not_a_real_token_" + i).status();
            assertThat(status).isEqualTo(401);
        }
        assertThat(metric() - metricBefore).isEqualTo(60.0);
        List<AuditEntry> meanwhile = since(mark);
        assertThat(meanwhile).as("entries before the summary").allMatch(e -> e.action().equals(AnonymousRefusals.ACTION));

        refusals.summarise();
        List<AuditEntry> summaries = since(mark).stream().filter(e -> e.action().equals(AnonymousRefusals.ACTION)).toList();
        assertThat(summaries).isNotEmpty().allMatch(e -> e.actor() == null && e.outcome().equals("refused"));
        assertThat(summaries.stream().mapToLong(AnonymousRefusalsIT::count).sum()).isEqualTo(60);
        assertThat(summaries.getFirst().detail()).contains("e.g. GET /_");
        assertThat(since(mark)).as("one summary per address, not 60 entries").hasSizeLessThanOrEqualTo(2);

        // an authenticated caller's refusal is still an entry of its own
        TenantUser plain = newUser("plain", "localhost");
        long beforeOwn = newestId();
        assertThat(http.get(TENANTS, plain.token()).status()).isEqualTo(403);
        assertThat(since(beforeOwn)).anyMatch(e -> plain.userId().equals(e.actor()) && e.status() == 403);
    }

    @Test
    void anAttackFromManyAddressesAddsAtMostABoundedNumberOfEntriesPerInterval() {
        refusals.summarise();
        long mark = newestId();
        for (int i = 0; i < 500; i++) refusals.count("2001:db8::" + Integer.toHexString(i), "GET /_synapse/admin/v2/users", 401);
        refusals.summarise();
        List<AuditEntry> entries = since(mark);
        assertThat(entries).hasSizeLessThanOrEqualTo(AnonymousRefusals.MAX_SOURCES + 1);
        assertThat(entries.stream().mapToLong(AnonymousRefusalsIT::count).sum()).isEqualTo(500);
    }

    private long newestId() {
        List<AuditEntry> newest = audit.search(AuditQuery.all(), null, 1);
        return newest.isEmpty() ? 0 : newest.getFirst().id();
    }

    private List<AuditEntry> since(long id) {
        return audit.search(AuditQuery.all(), null, 1000).stream().filter(e -> e.id() > id).toList();
    }

    private static long count(AuditEntry e) {
        Matcher m = COUNT.matcher(e.detail() == null ? "" : e.detail());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private double metric() {
        return meters.get("bollwerk.admin.anonymous.refusals").counter().count();
    }
}
