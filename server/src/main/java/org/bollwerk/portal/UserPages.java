package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.AccountService;
import org.bollwerk.account.UserAccount;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.tenant.AccountAction;
import org.bollwerk.tenant.TenantGroups;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.tenant.TenantService;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** Users of the tenants the admin may read: list, create, and one user's page with its actions and devices. */
@Controller
class UserPages {
    private static final int PAGE = 100;
    private final PortalAccess access;
    private final PortalActions actions;
    private final AccountService accounts;
    private final TenantService tenants;
    private final TenantRoles roles;
    private final TenantGroups groups;
    private final SecondFactor secondFactor;

    UserPages(PortalAccess access, PortalActions actions, AccountService accounts, TenantService tenants,
              TenantRoles roles, TenantGroups groups, SecondFactor secondFactor) {
        this.access = access;
        this.actions = actions;
        this.accounts = accounts;
        this.tenants = tenants;
        this.roles = roles;
        this.groups = groups;
        this.secondFactor = secondFactor;
    }

    @GetMapping("/admin/users")
    String list(HttpServletRequest request, @RequestParam(required = false) String tenant,
                @RequestParam(required = false) String after, Model model) {
        String me = PortalSession.signedInUser(request);
        List<String> readable = access.tenants(me, TenantRoles.USERS_READ);
        String shown = tenant != null && readable.contains(tenant) ? tenant : readable.isEmpty() ? null : readable.getFirst();
        model.addAttribute("tenants", readable);
        model.addAttribute("tenant", shown);
        List<UserAccount> users = shown == null ? List.of() : accounts.users(shown, after, PAGE);
        model.addAttribute("users", users);
        model.addAttribute("next", users.size() == PAGE ? users.getLast().userId() : null);
        model.addAttribute("domains", access.tenants(me, TenantRoles.USERS_CREATE).stream()
                .flatMap(t -> tenants.domains(t).stream()).toList());
        return "portal/users";
    }

    @PostMapping("/admin/users")
    String create(HttpServletRequest request, RedirectAttributes flash, @RequestParam(defaultValue = "") String localpart,
                  @RequestParam(defaultValue = "") String domain, @RequestParam(defaultValue = "") String password,
                  @RequestParam(defaultValue = "") String displayName) {
        String me = PortalSession.signedInUser(request);
        String userId = "@" + localpart.strip().toLowerCase(Locale.ROOT) + ":" + domain;
        String tenantId = tenants.tenantOfDomain(domain).orElse(null);
        boolean done = actions.run(request, flash, "create user", userId, tenantId, () -> {
            if (tenantId == null) throw MatrixException.invalidParam("This server does not host " + domain);
            String role = access.require(me, TenantRoles.USERS_CREATE, tenantId);
            if (password.length() < 8) throw MatrixException.invalidParam("The password must have at least 8 characters");
            accounts.createUser(userId, password, displayName.isBlank() ? null : displayName.strip(), false);
            return role;
        });
        return done ? redirectTo(userId) : "redirect:/admin/users";
    }

    @GetMapping("/admin/users/{userId}")
    String user(HttpServletRequest request, @PathVariable String userId, Model model, RedirectAttributes flash) {
        String me = PortalSession.signedInUser(request);
        UserAccount user = existing(userId);
        if (user == null || !access.may(me, TenantRoles.USERS_READ, user.tenantId())) {
            flash.addFlashAttribute("problem", "problem.notFound");
            return "redirect:/admin/users";
        }
        String tenantId = user.tenantId();
        model.addAttribute("user", user);
        model.addAttribute("devices", access.may(me, TenantRoles.DEVICES_READ, tenantId) ? accounts.devices(user.userId()) : null);
        model.addAttribute("heldRoles", roles.assignments(tenantId).stream().filter(a -> a.userId().equals(user.userId()))
                .map(TenantRoles.Assignment::role).toList());
        model.addAttribute("roleNames", roles.roles(tenantId).stream().map(TenantRoles.Role::name).toList());
        model.addAttribute("memberOf", groups.groups(tenantId).stream().filter(g -> g.members().contains(user.userId()))
                .map(TenantGroups.Group::id).toList());
        model.addAttribute("groupIds", groups.groups(tenantId).stream().map(TenantGroups.Group::id).toList());
        // only what the admin may do to this very account: the permission and dominance over it
        model.addAttribute("mayLock", access.mayAct(me, user.locked() ? AccountAction.UNLOCK : AccountAction.LOCK, user));
        model.addAttribute("mayDeactivate", access.mayAct(me, AccountAction.DEACTIVATE, user));
        model.addAttribute("mayPassword", access.mayAct(me, AccountAction.RESET_PASSWORD, user));
        model.addAttribute("mayRoles", access.mayAct(me, AccountAction.ASSIGN_ROLE, user));
        model.addAttribute("mayDevices", access.mayAct(me, AccountAction.REMOVE_DEVICE, user));
        model.addAttribute("secondFactor", secondFactor.enrolled(user.userId()));
        return "portal/user";
    }

    @PostMapping("/admin/users/{userId}/lock")
    String lock(HttpServletRequest request, RedirectAttributes flash, @PathVariable String userId,
                @RequestParam(defaultValue = "true") boolean locked) {
        return act(request, flash, userId, locked ? "lock user" : "unlock user", locked ? AccountAction.LOCK : AccountAction.UNLOCK,
                user -> accounts.setLocked(user.userId(), locked));
    }

    @PostMapping("/admin/users/{userId}/deactivate")
    String deactivate(HttpServletRequest request, RedirectAttributes flash, @PathVariable String userId) {
        return act(request, flash, userId, "deactivate user", AccountAction.DEACTIVATE,
                user -> accounts.deactivate(user.userId(), false));
    }

    @PostMapping("/admin/users/{userId}/password")
    String password(HttpServletRequest request, RedirectAttributes flash, @PathVariable String userId,
                    @RequestParam(defaultValue = "") String password) {
        return act(request, flash, userId, "reset password", AccountAction.RESET_PASSWORD, user -> {
            if (password.length() < 8) throw MatrixException.invalidParam("The password must have at least 8 characters");
            accounts.setPassword(user.userId(), password, true, null);
        });
    }

    @PostMapping("/admin/users/{userId}/roles")
    String role(HttpServletRequest request, RedirectAttributes flash, @PathVariable String userId,
                @RequestParam(defaultValue = "") String role, @RequestParam(defaultValue = "true") boolean grant) {
        String me = PortalSession.signedInUser(request);
        UserAccount user = existing(userId);
        actions.run(request, flash, (grant ? "assign role " : "remove role ") + role, userId, user == null ? null : user.tenantId(), () -> {
            if (user == null) throw MatrixException.notFound("No such user");
            String allowedBy = access.requireMayChangeRole(me, role, user, grant);
            if (grant) roles.assign(user.tenantId(), role, user.userId());
            else roles.unassign(user.tenantId(), role, user.userId());
            return allowedBy;
        });
        return user == null ? "redirect:/admin/users" : redirectTo(user.userId());
    }

    @PostMapping("/admin/users/{userId}/groups")
    String group(HttpServletRequest request, RedirectAttributes flash, @PathVariable String userId,
                 @RequestParam(defaultValue = "") String group, @RequestParam(defaultValue = "true") boolean member) {
        return act(request, flash, userId, (member ? "add to group " : "remove from group ") + group,
                member ? AccountAction.ADD_TO_GROUP : AccountAction.REMOVE_FROM_GROUP,
                user -> {
                    if (member) groups.addMember(user.tenantId(), group, user.userId());
                    else groups.removeMember(user.tenantId(), group, user.userId());
                });
    }

    /** Remote wipe: the device and its tokens are deleted; the client signs out and drops its data. */
    @PostMapping("/admin/users/{userId}/devices/delete")
    String deleteDevice(HttpServletRequest request, RedirectAttributes flash, @PathVariable String userId,
                        @RequestParam(defaultValue = "") String deviceId) {
        return act(request, flash, userId, "remove device " + deviceId, AccountAction.REMOVE_DEVICE, user -> {
            if (!accounts.deleteDevice(user.userId(), deviceId)) throw MatrixException.notFound("No such device");
        });
    }

    /** For an admin who lost both the authenticator and the recovery codes: enrols again at the next sign-in. */
    @PostMapping("/admin/users/{userId}/second-factor/reset")
    String resetSecondFactor(HttpServletRequest request, RedirectAttributes flash, @PathVariable String userId) {
        return act(request, flash, userId, "reset second factor", AccountAction.RESET_SECOND_FACTOR,
                user -> secondFactor.reset(user.userId()));
    }

    /** One action on one account, allowed by the same policy as in the admin API ({@link PortalAccess#requireMayAct}). */
    private String act(HttpServletRequest request, RedirectAttributes flash, String userId, String action,
                       AccountAction accountAction, java.util.function.Consumer<UserAccount> work) {
        String me = PortalSession.signedInUser(request);
        UserAccount user = existing(userId);
        actions.run(request, flash, action, userId, user == null ? null : user.tenantId(), () -> {
            if (user == null) throw MatrixException.notFound("No such user");
            String role = access.requireMayAct(me, accountAction, user);
            work.accept(user);
            return role;
        });
        return user == null ? "redirect:/admin/users" : redirectTo(user.userId());
    }

    private UserAccount existing(String text) {
        try {
            return accounts.user(UserId.parse(text).toString()).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String redirectTo(String userId) {
        return "redirect:/admin/users/" + UriUtils.encodePathSegment(userId, StandardCharsets.UTF_8);
    }
}
