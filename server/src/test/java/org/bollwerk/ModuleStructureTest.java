package org.bollwerk;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;

class ModuleStructureTest {
    @Test
    void modulesOnlyUsePublicTypesOfOtherModulesAndHaveNoCycles() {
        // matrix-core (org.bollwerk.matrix) is a plain protocol library every feature may use, not a module.
        ApplicationModules.of(BollwerkApplication.class, resideInAPackage("org.bollwerk.matrix..")).verify();
    }
}
