package org.bollwerk;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every class of the admin API and the portal that changes an account (password, lock, deactivation, devices,
 * profile, roles, groups, sign-in policy, second factor) also consults the one account-action policy — so a
 * new endpoint that changes accounts cannot forget dominance. The role-pair tests check the answers; this
 * check keeps new code from going around them.
 */
class AccountActionGateTest {
    private static final Map<String, Set<String>> MUTATORS = Map.of(
            "org.bollwerk.account.AccountService", Set.of("setPassword", "setLocked", "deactivate", "reactivate", "setAdmin",
                    "deleteDevice", "logoutAll", "renameDevice"),
            "org.bollwerk.tenant.TenantRoles", Set.of("assign", "unassign", "putRole", "deleteRole"),
            "org.bollwerk.tenant.TenantGroups", Set.of("addMember", "removeMember", "setSignInGroups"),
            "org.bollwerk.portal.SecondFactor", Set.of("reset"),
            "org.bollwerk.admin.Profiles", Set.of("setDisplayName", "setAvatarUrl"));
    private static final Set<String> GATES = Set.of("org.bollwerk.tenant.AccountActionPolicy", "org.bollwerk.admin.AdminAccess",
            "org.bollwerk.portal.PortalAccess");
    /** Classes that change accounts on their own behalf, not for an admin: why each is not an account action. */
    private static final Map<String, String> NOT_ACCOUNT_ACTIONS = Map.of(
            "org.bollwerk.portal.SecondFactor", "logs out the devices of its own expired admin API tokens",
            "org.bollwerk.admin.Profiles", "the adapter the user admin API changes profiles through");

    @Test
    void everyAdminAndPortalClassThatChangesAccountsConsultsTheAccountActionPolicy() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.bollwerk.admin", "org.bollwerk.portal");
        List<String> changing = new ArrayList<>();
        List<String> ungated = new ArrayList<>();
        for (JavaClass type : classes) {
            String name = type.getName().replaceAll("\\$.*", "");   // nested and lambda classes count for their owner
            if (NOT_ACCOUNT_ACTIONS.containsKey(name)) continue;
            boolean changes = type.getMethodCallsFromSelf().stream().anyMatch(call -> mutator(call.getTarget()));
            if (!changes) continue;
            changing.add(name);
            boolean gated = classes.stream().filter(c -> c.getName().replaceAll("\\$.*", "").equals(name))
                    .flatMap(c -> c.getMethodCallsFromSelf().stream())
                    .anyMatch(call -> GATES.contains(call.getTarget().getOwner().getName())
                            && call.getTarget().getName().startsWith("requireMay")
                            || call.getTarget().getOwner().getName().equals("org.bollwerk.tenant.AccountActionPolicy"));
            if (!gated) ungated.add(name);
        }
        assertThat(changing).as("the check sees the known account-changing classes")
                .contains("org.bollwerk.admin.UserAdminController", "org.bollwerk.admin.TenantAdminController",
                        "org.bollwerk.admin.TenantGroupAdminController", "org.bollwerk.portal.UserPages");
        assertThat(ungated).as("classes changing accounts without AccountActionPolicy (AdminAccess/PortalAccess.requireMay*)")
                .isEmpty();
    }

    private static boolean mutator(AccessTarget.MethodCallTarget target) {
        return MUTATORS.getOrDefault(target.getOwner().getName(), Set.of()).contains(target.getName());
    }
}
