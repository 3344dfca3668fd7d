package org.bollwerk.web;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StartupSummaryTest {
    @Test
    void theDatabaseIsNamedByHostAndNameWithoutUserOrPassword() {
        assertThat(StartupSummary.database("jdbc:postgresql://db.example.org:5433/bollwerk?user=bw&password=s3cret",
                Path.of("/data"))).isEqualTo("postgresql db.example.org:5433/bollwerk");
        assertThat(StartupSummary.database("jdbc:postgresql://db.example.org/bollwerk", Path.of("/data")))
                .isEqualTo("postgresql db.example.org/bollwerk");
        assertThat(StartupSummary.database("", Path.of("/var/lib/bollwerk"))).isEqualTo("sqlite /var/lib/bollwerk/bollwerk.db");
        assertThat(StartupSummary.database("jdbc:sqlite:/srv/b.db?journal_mode=WAL", Path.of("/data"))).isEqualTo("sqlite /srv/b.db");
    }
}
