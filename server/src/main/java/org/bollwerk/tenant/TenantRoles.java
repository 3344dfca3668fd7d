package org.bollwerk.tenant;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Roles inside a tenant and who holds them. A role is a named set of permissions from {@link #PERMISSIONS};
 * {@code tenant_admin} and {@code helpdesk} are built in, tenants may define more. Operators (server
 * admins) stand above all tenants and are not modelled here.
 */
@Service
public class TenantRoles {
    public static final String USERS_READ = "users.read";
    public static final String USERS_CREATE = "users.create";
    public static final String USERS_MODIFY = "users.modify";
    public static final String USERS_PASSWORD = "users.password";
    public static final String USERS_LOCK = "users.lock";
    public static final String USERS_DEACTIVATE = "users.deactivate";
    public static final String DEVICES_READ = "devices.read";
    public static final String DEVICES_DELETE = "devices.delete";
    public static final String REGISTRATION_TOKENS = "registration_tokens.manage";
    public static final String ROLES_MANAGE = "roles.manage";
    public static final String TENANT_READ = "tenant.read";
    public static final String AUDIT_READ = "audit.read";
    /** Read the content reports the tenant's users filed (their reasons may be personal). */
    public static final String REPORTS_READ = "reports.read";
    /** Send alerts to the tenant or its groups, and read their tracking (who acknowledged; docs/alerts.md). */
    public static final String ALERTS_SEND = "alerts.send";
    public static final List<String> PERMISSIONS = List.of(USERS_READ, USERS_CREATE, USERS_MODIFY, USERS_PASSWORD,
            USERS_LOCK, USERS_DEACTIVATE, DEVICES_READ, DEVICES_DELETE, REGISTRATION_TOKENS, ROLES_MANAGE, TENANT_READ,
            AUDIT_READ, REPORTS_READ, ALERTS_SEND);

    public static final String TENANT_ADMIN = "tenant_admin";
    public static final String HELPDESK = "helpdesk";
    /** Built-in roles; helpdesk resets passwords, locks users and removes devices, but grants nothing. */
    static final Map<String, Set<String>> BUILT_IN = Map.of(
            TENANT_ADMIN, Set.copyOf(PERMISSIONS),
            HELPDESK, Set.of(USERS_READ, USERS_PASSWORD, USERS_LOCK, DEVICES_READ, DEVICES_DELETE, TENANT_READ));
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final Db db;

    TenantRoles(Db db) {
        this.db = db;
    }

    public record Role(String name, Set<String> permissions, boolean builtIn) {
    }

    public record Assignment(String userId, String role) {
    }

    /** Built-in and the tenant's own roles, by name. */
    public List<Role> roles(String tenantId) {
        Map<String, Role> roles = new LinkedHashMap<>();
        new TreeSet<>(BUILT_IN.keySet()).forEach(name -> roles.put(name, new Role(name, new TreeSet<>(BUILT_IN.get(name)), true)));
        db.sql().sql("SELECT role, permissions FROM tenant_roles WHERE tenant_id = ? ORDER BY role").param(tenantId)
                .query((rs, n) -> new Role(rs.getString(1), parse(rs.getString(2)), false)).list()
                .forEach(role -> roles.put(role.name(), role));
        return new ArrayList<>(roles.values());
    }

    public Optional<Role> role(String tenantId, String name) {
        return roles(tenantId).stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Creates or replaces a tenant's own role. Built-in names cannot be redefined. */
    public Role putRole(String tenantId, String name, List<String> permissions) {
        if (name == null || !NAME.matcher(name).matches() || "operator".equals(name)) {
            throw MatrixException.invalidParam("Role names are 1-64 characters of a-z, 0-9, '.', '_', '-'");
        }
        if (BUILT_IN.containsKey(name)) throw MatrixException.invalidParam("Built-in role " + name + " cannot be changed");
        for (String permission : permissions) {
            if (!PERMISSIONS.contains(permission)) throw MatrixException.invalidParam("Unknown permission " + permission);
        }
        Set<String> set = new TreeSet<>(permissions);
        db.write(() -> db.sql().sql("INSERT INTO tenant_roles (tenant_id, role, permissions) VALUES (?, ?, ?) "
                        + "ON CONFLICT (tenant_id, role) DO UPDATE SET permissions = excluded.permissions")
                .params(tenantId, name, String.join(" ", set)).update());
        return new Role(name, set, false);
    }

    /** Deletes a tenant's own role and its assignments. */
    public void deleteRole(String tenantId, String name) {
        if (BUILT_IN.containsKey(name)) throw MatrixException.invalidParam("Built-in role " + name + " cannot be deleted");
        db.write(() -> {
            if (db.sql().sql("DELETE FROM tenant_roles WHERE tenant_id = ? AND role = ?").params(tenantId, name).update() == 0) {
                throw MatrixException.notFound("No role " + name + " in tenant " + tenantId);
            }
            db.sql().sql("DELETE FROM role_assignments WHERE tenant_id = ? AND role = ?").params(tenantId, name).update();
        });
    }

    public List<Assignment> assignments(String tenantId) {
        return db.sql().sql("SELECT user_id, role FROM role_assignments WHERE tenant_id = ? ORDER BY user_id, role")
                .param(tenantId).query((rs, n) -> new Assignment(rs.getString(1), rs.getString(2))).list();
    }

    public void assign(String tenantId, String role, String userId) {
        db.write(() -> {
            if (role(tenantId, role).isEmpty()) throw MatrixException.notFound("No role " + role + " in tenant " + tenantId);
            db.sql().sql("INSERT INTO role_assignments (user_id, tenant_id, role, created_ts) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (user_id, tenant_id, role) DO NOTHING")
                    .params(userId, tenantId, role, System.currentTimeMillis()).update();
        });
    }

    public void unassign(String tenantId, String role, String userId) {
        db.write(() -> {
            if (db.sql().sql("DELETE FROM role_assignments WHERE user_id = ? AND tenant_id = ? AND role = ?")
                    .params(userId, tenantId, role).update() == 0) {
                throw MatrixException.notFound(userId + " does not hold role " + role + " in tenant " + tenantId);
            }
        });
    }

    /** The first of the user's roles in the tenant that grants {@code permission}, if any. */
    public Optional<String> roleGranting(String userId, String tenantId, String permission) {
        if (userId == null || tenantId == null) return Optional.empty();
        List<String> held = db.sql().sql("SELECT role FROM role_assignments WHERE user_id = ? AND tenant_id = ? ORDER BY role")
                .params(userId, tenantId).query(String.class).list();
        if (held.isEmpty()) return Optional.empty();
        Map<String, Set<String>> defined = new LinkedHashMap<>();
        for (Role role : roles(tenantId)) defined.put(role.name(), role.permissions());
        return held.stream().filter(r -> defined.getOrDefault(r, Set.of()).contains(permission)).findFirst();
    }

    private record Held(String tenantId, String role) {
    }

    /** The union of the permissions of the user's roles in the tenant (empty for none). */
    public Set<String> permissions(String userId, String tenantId) {
        return permissionsByTenant(userId).getOrDefault(tenantId, Set.of());
    }

    /** For each tenant where the user holds a role, the union of the permissions of those roles. */
    public Map<String, Set<String>> permissionsByTenant(String userId) {
        Map<String, Set<String>> byTenant = new LinkedHashMap<>();
        if (userId == null) return byTenant;
        Map<String, Map<String, Set<String>>> defined = new LinkedHashMap<>();
        for (Held held : db.sql().sql("SELECT tenant_id, role FROM role_assignments WHERE user_id = ? ORDER BY tenant_id, role")
                .param(userId).query((rs, n) -> new Held(rs.getString(1), rs.getString(2))).list()) {
            String tenantId = held.tenantId();
            Map<String, Set<String>> roles = defined.computeIfAbsent(tenantId, t -> {
                Map<String, Set<String>> map = new LinkedHashMap<>();
                for (Role role : roles(t)) map.put(role.name(), role.permissions());
                return map;
            });
            byTenant.computeIfAbsent(tenantId, t -> new TreeSet<>()).addAll(roles.getOrDefault(held.role(), Set.of()));
        }
        return byTenant;
    }

    /** The users holding {@code role} in the tenant. */
    public List<String> holders(String tenantId, String role) {
        return db.sql().sql("SELECT user_id FROM role_assignments WHERE tenant_id = ? AND role = ? ORDER BY user_id")
                .params(tenantId, role).query(String.class).list();
    }

    public boolean hasAnyRole(String userId) {
        return db.sql().sql("SELECT 1 FROM role_assignments WHERE user_id = ? LIMIT 1").param(userId)
                .query(Integer.class).optional().isPresent();
    }

    /** Tenants in which the user holds a role granting {@code permission}. */
    public List<String> tenantsGranting(String userId, String permission) {
        List<String> tenants = db.sql().sql("SELECT DISTINCT tenant_id FROM role_assignments WHERE user_id = ? ORDER BY tenant_id")
                .param(userId).query(String.class).list();
        return tenants.stream().filter(t -> roleGranting(userId, t, permission).isPresent()).toList();
    }

    private static Set<String> parse(String permissions) {
        return permissions.isBlank() ? new TreeSet<>() : new TreeSet<>(Arrays.asList(permissions.split(" ")));
    }
}
