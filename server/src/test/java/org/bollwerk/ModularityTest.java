package org.bollwerk;

import com.tngtech.archunit.core.domain.JavaClass;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Keeps the architecture visible and enforced: one module per feature, no cycles, no reaching into
 * another feature's internals. The protocol library {@code org.bollwerk.matrix} (matrix-core) is a
 * plain dependency every feature may use, not a feature module.
 */
class ModularityTest {
    static final ApplicationModules MODULES = ApplicationModules.of(BollwerkApplication.class,
            JavaClass.Predicates.resideInAPackage("org.bollwerk.matrix.."));

    @Test
    void featureModulesRespectTheirBoundaries() {
        MODULES.verify();
    }

    @Test
    void writesModuleDocumentation() {
        new Documenter(MODULES).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
    }
}
