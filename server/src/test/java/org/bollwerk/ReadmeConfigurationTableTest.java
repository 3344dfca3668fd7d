package org.bollwerk;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import java.io.IOException;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The configuration table of {@code README.md} tells the truth: every typed setting (each component of a
 * {@code @ConfigurationProperties} record, nested records flattened) has a row, with its environment variable
 * and the default the code has. A default the code leaves empty is shown as {@code *(empty)*} or as what it
 * stands for, such as {@code `<data-dir>/keys/kek.key`}.
 */
class ReadmeConfigurationTableTest {
    /** README rows for settings that are read without a typed record (Spring's own, or {@code @Value}). */
    private static final Set<String> NOT_TYPED = Set.of("server.port", "bollwerk.tls.certificate",
            "bollwerk.tls.private-key", "bollwerk.presence.offline-after", "bollwerk.follow-ups.claim-ttl",
            "bollwerk.follow-ups.check-interval");
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\| `([a-z0-9.\\-]+)` \\| ([^|]+) \\|.*\\|$");
    private static final Pattern FIRST_CODE = Pattern.compile("`([^`]*)`");

    @Test
    void everyTypedSettingHasARowWithTheDefaultOfTheCode() throws Exception {
        Map<String, String> inCode = typedSettings();
        Map<String, Row> inReadme = readmeRows();
        assertThat(inCode).as("typed settings found in the code").containsKeys("bollwerk.server-name",
                "bollwerk.keys.pkcs11.key-label", "bollwerk.media.max-upload-bytes");
        List<String> problems = new ArrayList<>();
        inCode.forEach((property, codeDefault) -> {
            Row row = inReadme.get(property);
            if (row == null) {
                problems.add("no row for " + property + " (" + envVar(property) + "), default "
                        + (codeDefault.isEmpty() ? "*(empty)*" : "`" + codeDefault + "`"));
            } else if (!defaultMatches(row.defaultCell(), codeDefault)) {
                problems.add(property + ": the README says " + row.defaultCell() + ", the code `" + codeDefault + "`");
            }
        });
        inReadme.forEach((property, row) -> {
            if (!row.envVar().equals(envVar(property))) {
                problems.add(property + ": the environment variable is " + envVar(property) + ", not " + row.envVar());
            }
            if (!inCode.containsKey(property) && !NOT_TYPED.contains(property)) {
                problems.add(property + " is in the README but no setting of that name exists");
            }
        });
        if (!problems.isEmpty()) {
            fail("README.md's configuration table and the code disagree:\n  " + String.join("\n  ", problems));
        }
    }

    private record Row(String envVar, String defaultCell) {
    }

    private static boolean defaultMatches(String cell, String codeDefault) {
        if (codeDefault.isEmpty() && cell.startsWith("*(empty)*")) return true;
        Matcher code = FIRST_CODE.matcher(cell);
        if (!code.find()) return false;
        String shown = code.group(1);
        if (codeDefault.isEmpty()) return shown.startsWith("<");  // a derived value, e.g. <data-dir>/keys/kek.key
        return shown.equalsIgnoreCase(codeDefault);  // enums bind in any case: FULL = full
    }

    private static Map<String, Row> readmeRows() throws IOException {
        Map<String, Row> rows = new TreeMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.startsWith("| Environment variable | Property | Default |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable) {
                Matcher row = ROW.matcher(line);
                if (row.matches()) rows.put(row.group(2), new Row(row.group(1), row.group(3).strip()));
                else if (!line.startsWith("|---")) fail("README configuration row not understood: " + line);
            }
        }
        if (rows.isEmpty()) fail("No configuration table in README.md");
        return rows;
    }

    /** Every leaf setting of the {@code @ConfigurationProperties} records, with its default as text. */
    private static Map<String, String> typedSettings() throws ClassNotFoundException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        Map<String, String> settings = new TreeMap<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("org.bollwerk")) {
            Class<?> type = Class.forName(candidate.getBeanClassName());
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            String prefix = annotation.value().isEmpty() ? annotation.prefix() : annotation.value();
            if (!type.isRecord()) fail(type + " is not a record: this test reads defaults from @DefaultValue");
            collect(prefix, type, settings);
        }
        return settings;
    }

    private static void collect(String prefix, Class<?> record, Map<String, String> settings) {
        RecordComponent[] components = record.getRecordComponents();
        Parameter[] parameters;  // @DefaultValue sits on the canonical constructor's parameters
        try {
            parameters = record.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new)).getParameters();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            String name = prefix + "." + kebab(component.getName());
            if (component.getType().isRecord()) {
                collect(name, component.getType(), settings);
                continue;
            }
            DefaultValue defaultValue = parameters[i].getAnnotation(DefaultValue.class);
            String text = defaultValue != null ? String.join(",", defaultValue.value())
                    : component.getType() == boolean.class ? "false" : component.getType().isPrimitive() ? "0" : "";
            settings.put(name, text);
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static String envVar(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
