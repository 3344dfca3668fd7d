package org.bollwerk.tenant;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Isolation by construction (issue 24): whether a requester may see or affect another user, room, alias or
 * media is decided in one place, {@link TenantIsolation}. This test fails the build when
 * <ul>
 *   <li>a client API handler that names a user, room, alias or media in its path (or takes its target user
 *       from the body) does not reach {@code TenantIsolation} through its own call graph — unless it is
 *       listed in {@link #EXEMPT} with the reason why it needs no decision;</li>
 *   <li>anything outside the tenant feature compares tenants itself ({@code TenantService.mayInteract}).</li>
 * </ul>
 * A new route with {@code {userId}}, {@code {roomId}}, {@code {alias}} or {@code {mediaId}} is therefore
 * either checked or explicitly argued for; {@code CrossTenantRoutesIT} then attacks it over HTTP.
 */
class TenantIsolationArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.bollwerk");
    private static final Pattern VARIABLE = Pattern.compile("\\{\\*?([A-Za-z0-9_]+)(?::[^}]*)?}");
    private static final Set<String> TARGET_VARIABLES = Set.of("userId", "roomId", "roomIdOrAlias", "alias", "mediaId");
    /** How deep the call graph is followed from a handler (handler → service → helper → lambda → policy). */
    private static final int MAX_DEPTH = 7;

    /** Handlers whose target user comes from the request body rather than the path. */
    private static final Set<String> BODY_TARGETS = Set.of(
            "room.MembershipController.createRoom",
            "e2ee.KeysController.query",
            "e2ee.KeysController.claim",
            "e2ee.KeysController.sendToDevice",
            "userdata.ProfileController.search");

    /** Packages whose APIs decide access by administrative roles, not by tenant isolation. */
    private static final Map<String, String> EXEMPT_PACKAGES = Map.of(
            "org.bollwerk.admin", "operator and tenant-admin API: AdminAccess decides by role and the target's tenant",
            "org.bollwerk.portal", "admin portal: PortalAccess decides by role and the target's tenant");

    private static final String MEMBERSHIP_WRITE = "the room's authorisation rules require the sender's current "
            + "membership, which is only gained through the policy-checked join and invite";
    private static final String DELAYED_WRITE = "schedules only in rooms the requester is joined to (the same answer "
            + "for any other room); the event is sent later as the requester, through the room's authorisation rules";
    private static final String OWN_BACKUP = "the requester's own key backup, keyed by room ID; reads nothing of the room";

    /** Handlers that name a target but need no isolation decision, each with the reason. */
    private static final Map<String, String> EXEMPT = Map.ofEntries(
            Map.entry("room.EventController.send", MEMBERSHIP_WRITE),
            Map.entry("room.EventController.putState", MEMBERSHIP_WRITE),
            Map.entry("room.EventController.putEmptyKeyState", MEMBERSHIP_WRITE),
            Map.entry("room.EventController.redact", MEMBERSHIP_WRITE),
            Map.entry("delayed.DelayedEventsController.scheduleMessage", DELAYED_WRITE),
            Map.entry("delayed.DelayedEventsController.scheduleState", DELAYED_WRITE),
            Map.entry("delayed.DelayedEventsController.scheduleEmptyKeyState", DELAYED_WRITE),
            Map.entry("delayed.DelayedEventsController.scheduleDelayedEvent", DELAYED_WRITE),
            Map.entry("room.MembershipController.leave", "changes only the requester's own membership"),
            Map.entry("room.MembershipController.forget", "changes only the requester's own membership"),
            Map.entry("room.MembershipController.upgrade", "requires the requester to be joined with the power to send "
                    + "the tombstone; the replacement room stays in the old room's tenant"),
            Map.entry("room.HistoryController.joinedMembers", "requires the requester to be joined now"),
            Map.entry("room.DirectoryController.create",
                    "aliases are created only in the requester's own tenant's domains, for rooms they are joined to"),
            Map.entry("room.DirectoryController.visibility",
                    "unauthenticated by the spec; says only public/private of a room ID the caller already knows"),
            Map.entry("room.DirectoryController.setVisibility",
                    "requires membership and the power to set the canonical alias (or operator)"),
            Map.entry("ephemeral.EphemeralController.typing", "the requester's own typing state, joined rooms only"),
            Map.entry("userdata.ProfileController.setDisplayName", "the requester's own profile only"),
            Map.entry("userdata.ProfileController.setAvatarUrl", "the requester's own profile only"),
            Map.entry("userdata.ProfileController.setField", "the requester's own profile only"),
            Map.entry("userdata.ProfileController.deleteField", "the requester's own profile only"),
            Map.entry("userdata.PresenceController.put", "the requester's own presence only"),
            Map.entry("userdata.AccountDataController.get", "the requester's own account data only"),
            Map.entry("userdata.AccountDataController.put", "the requester's own account data only"),
            Map.entry("userdata.AccountDataController.getRoom", "the requester's own account data only"),
            Map.entry("userdata.AccountDataController.putRoom", "the requester's own account data only"),
            Map.entry("userdata.RoomTagsController.tags", "the requester's own room tags (account data) only"),
            Map.entry("userdata.RoomTagsController.put", "the requester's own room tags (account data) only"),
            Map.entry("userdata.RoomTagsController.delete", "the requester's own room tags (account data) only"),
            Map.entry("calls.OpenIdController.requestToken", "OpenID tokens only for the requester themself"),
            Map.entry("account.AccountSelfServiceController.whois",
                    "the requester's own sessions, or a server admin's (who may see every tenant)"),
            Map.entry("filter.FilterController.create", "the requester's own filters only"),
            Map.entry("filter.FilterController.get", "the requester's own filters only"),
            Map.entry("media.MediaController.uploadTo", "only the creator of a content URI may upload to it"),
            Map.entry("e2ee.KeyBackupController.putRoom", OWN_BACKUP),
            Map.entry("e2ee.KeyBackupController.putSession", OWN_BACKUP),
            Map.entry("e2ee.KeyBackupController.getRoom", OWN_BACKUP),
            Map.entry("e2ee.KeyBackupController.getSession", OWN_BACKUP),
            Map.entry("e2ee.KeyBackupController.deleteRoom", OWN_BACKUP),
            Map.entry("e2ee.KeyBackupController.deleteSession", OWN_BACKUP));

    @Test
    void everyHandlerThatNamesAUserRoomAliasOrMediaGoesThroughTheIsolationPolicy() {
        List<String> unchecked = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JavaClass controller : CLASSES) {
            if (!controller.isAnnotatedWith(RestController.class)) continue;
            if (EXEMPT_PACKAGES.containsKey(controller.getPackageName())) continue;
            for (JavaMethod handler : controller.getMethods()) {
                Set<String> variables = pathVariables(handler);
                if (variables.isEmpty()) continue;  // not a handler
                String key = key(handler);
                boolean targeted = variables.stream().anyMatch(TARGET_VARIABLES::contains) || BODY_TARGETS.contains(key);
                if (!targeted) continue;
                seen.add(key);
                boolean reaches = reachesPolicy(handler);
                if (EXEMPT.containsKey(key)) continue;
                if (!reaches) {
                    variables.remove("");
                    unchecked.add(key + " " + variables + ": call TenantIsolation (directly or through the feature's "
                            + "reader/service), or list it in EXEMPT with the reason it needs no decision");
                }
            }
        }
        assertThat(unchecked).as(String.join("\n", unchecked)).isEmpty();
        Set<String> stale = new LinkedHashSet<>(EXEMPT.keySet());
        stale.addAll(BODY_TARGETS);
        stale.removeAll(seen);
        assertThat(stale).as("exemptions or body targets naming no handler any more").isEmpty();
    }

    @Test
    void theCallGraphWalkFindsThePolicyBehindServicesAndLambdas() {
        // A handler known to reach the policy only through a service and a db.write lambda must be found,
        // or the rule above would pass for the wrong reason.
        JavaMethod ban = CLASSES.get("org.bollwerk.room.MembershipController").getMethods().stream()
                .filter(m -> m.getName().equals("ban")).findFirst().orElseThrow();
        assertThat(reachesPolicy(ban)).isTrue();
        JavaMethod leave = CLASSES.get("org.bollwerk.room.MembershipController").getMethods().stream()
                .filter(m -> m.getName().equals("leave")).findFirst().orElseThrow();
        assertThat(reachesPolicy(leave)).isFalse();
    }

    @Test
    void onlyTheTenantFeatureComparesTenants() {
        noClasses().that().resideOutsideOfPackage("org.bollwerk.tenant..")
                .should().callMethod(TenantService.class, "mayInteract", String.class, String.class)
                .because("isolation is decided in TenantIsolation, the one policy point (issue 24)")
                .check(CLASSES);
    }

    // ---- helpers

    private static String key(JavaMethod method) {
        return method.getOwner().getName().substring("org.bollwerk.".length()) + "." + method.getName();
    }

    /** The path variables of a handler's mappings (class and method level); empty when it maps nothing. */
    private static Set<String> pathVariables(JavaMethod method) {
        java.lang.reflect.Method reflected;
        try {
            reflected = method.reflect();
        } catch (RuntimeException e) {
            return Set.of();
        }
        RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(reflected, RequestMapping.class);
        if (mapping == null) return Set.of();
        Set<String> variables = new LinkedHashSet<>();
        variables.add("");  // marks "is a handler" even without variables
        RequestMapping type = AnnotatedElementUtils.findMergedAnnotation(reflected.getDeclaringClass(), RequestMapping.class);
        List<String> patterns = new ArrayList<>(List.of(mapping.path()));
        if (type != null) patterns.addAll(List.of(type.path()));
        for (String pattern : patterns) {
            Matcher m = VARIABLE.matcher(pattern);
            while (m.find()) variables.add(m.group(1));
        }
        return variables;
    }

    /** Whether the method's call graph, within Bollwerk's code, reaches a method of TenantIsolation. */
    private static boolean reachesPolicy(JavaMethod handler) {
        Deque<Map.Entry<JavaCodeUnit, Integer>> queue = new ArrayDeque<>();
        Set<JavaCodeUnit> visited = new HashSet<>();
        queue.add(Map.entry(handler, 0));
        while (!queue.isEmpty()) {
            Map.Entry<JavaCodeUnit, Integer> next = queue.poll();
            JavaCodeUnit unit = next.getKey();
            if (!visited.add(unit) || next.getValue() > MAX_DEPTH) continue;
            List<JavaCodeUnit> callees = new ArrayList<>();
            unit.getCallsFromSelf().forEach(call -> call.getTarget().resolveMember().ifPresent(callees::add));
            unit.getCodeUnitReferencesFromSelf().forEach(ref -> ref.getTarget().resolveMember().ifPresent(callees::add));
            // Lambda bodies are synthetic methods of the same class (javac: lambda$<method>$<n>).
            for (JavaMethod candidate : unit.getOwner().getMethods()) {
                if (candidate.getName().startsWith("lambda$" + unit.getName() + "$")) callees.add(candidate);
            }
            for (JavaCodeUnit callee : callees) {
                if (callee.getOwner().isEquivalentTo(TenantIsolation.class)) return true;
                if (callee.getOwner().getPackageName().startsWith("org.bollwerk")) {
                    queue.add(Map.entry(callee, next.getValue() + 1));
                }
            }
        }
        return false;
    }
}
