package org.bollwerk.config;

import org.bollwerk.BollwerkApplication;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Settings with a fixed set of values are enums: a value outside the set stops the start with a message that
 * names the setting (Spring Boot's failure report then lists the valid values), and any case is accepted.
 */
class SettingWithFixedValuesIT {
    @TempDir
    Path dataDir;

    @ParameterizedTest
    @CsvSource({
            "bollwerk.keys.provider, hsm",
            "bollwerk.database.sqlite-synchronous, sometimes",
            "bollwerk.e2ee-default, maybe"})
    void aValueOutsideTheSetStopsTheStartNamingTheSetting(String setting, String value) {
        Throwable failure = catchThrowable(() -> start(setting + "=" + value).close());

        assertThat(failure).as("the server started with " + setting + "=" + value).isNotNull();
        assertThat(messages(failure)).contains("'" + setting + "'");
    }

    private ConfigurableApplicationContext start(String setting) {
        return new SpringApplicationBuilder(BollwerkApplication.class)
                .properties("bollwerk.data-dir=" + dataDir, "server.port=0", setting)
                .run("--server.port=0");
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
