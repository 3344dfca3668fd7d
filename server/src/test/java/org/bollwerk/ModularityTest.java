package org.bollwerk;

import com.tngtech.archunit.core.domain.JavaClass;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.fail;

/**
 * Keeps the architecture visible and enforced: one module per feature, no cycles, no reaching into
 * another feature's internals, and no dependency a module does not declare in its {@code package-info.java}
 * ({@code allowedDependencies}) — which in turn must be the module table of {@code docs/architecture.md}.
 * The protocol library {@code org.bollwerk.matrix} (matrix-core) is a plain dependency every feature may use,
 * not a feature module.
 */
class ModularityTest {
    static final ApplicationModules MODULES = ApplicationModules.of(BollwerkApplication.class,
            JavaClass.Predicates.resideInAPackage("org.bollwerk.matrix.."));
    private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([a-z0-9]+)` \\|.*\\| ([^|]*) \\|$");

    @Test
    void featureModulesRespectTheirBoundaries() {
        MODULES.verify();
    }

    @Test
    void theModuleTableOfTheArchitectureDocIsWhatTheModulesDeclare() throws Exception {
        Map<String, Set<String>> table = moduleTable();
        List<String> problems = new ArrayList<>();
        for (org.springframework.modulith.core.ApplicationModule module : MODULES) {
            String name = module.getIdentifier().toString();
            Set<String> declared = declaredDependencies(module.getBasePackage().getName());
            Set<String> actual = module.getDirectDependencies(MODULES).stream()
                    .map(d -> d.getTargetModule().getIdentifier().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> documented = table.remove(name);
            if (declared == null) {
                problems.add("`" + name + "` declares no allowedDependencies in its package-info.java; its code depends on "
                        + actual + " (declare {} for none)");
            } else if (documented == null) {
                problems.add("`" + name + "` has no row in the table; its code depends on " + actual);
            } else if (!documented.equals(declared)) {
                problems.add("`" + name + "`: the table says " + documented + ", package-info.java declares " + declared);
            }
        }
        table.keySet().forEach(name -> problems.add("the table lists `" + name + "`, which is not a module"));
        if (!problems.isEmpty()) {
            fail("docs/architecture.md (\"Modules\") and the modules' allowedDependencies disagree:\n  "
                    + String.join("\n  ", problems));
        }
    }

    @Test
    void writesModuleDocumentation() {
        new Documenter(MODULES).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
    }

    /** The declared dependencies, or null when the module leaves them open (Spring Modulith's default). */
    private static Set<String> declaredDependencies(String basePackage) throws ClassNotFoundException {
        ApplicationModule annotation = Class.forName(basePackage + ".package-info").getAnnotation(ApplicationModule.class);
        if (annotation == null) return null;
        List<String> declared = Arrays.asList(annotation.allowedDependencies());
        return declared.contains(ApplicationModule.OPEN_TOKEN) ? null : new TreeSet<>(declared);
    }

    private static Map<String, Set<String>> moduleTable() throws IOException {
        Path doc = Path.of("..", "docs", "architecture.md");
        Map<String, Set<String>> table = new TreeMap<>();
        for (String line : Files.readAllLines(doc)) {
            Matcher row = TABLE_ROW.matcher(line.strip());
            if (!row.matches()) continue;
            String cell = row.group(2).strip();
            table.put(row.group(1), cell.equals("—") ? Set.of() : Arrays.stream(cell.split(","))
                    .map(String::strip).collect(Collectors.toCollection(TreeSet::new)));
        }
        if (table.isEmpty()) fail("No module table found in " + doc.toAbsolutePath());
        return table;
    }
}
