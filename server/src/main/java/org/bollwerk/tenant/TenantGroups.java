package org.bollwerk.tenant;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Groups of users inside a tenant and the tenant's sign-in policy (requirement SOV-8, white-listing):
 * with sign-in groups set, only their members may log in or use their tokens; everybody else gets
 * 403 M_FORBIDDEN at once. Policies are cached briefly, so another node sees a change within seconds.
 */
@Service
public class TenantGroups {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final long POLICY_TTL_MS = 5_000;

    private final Db db;
    private final TenantService tenants;
    private final Map<String, CachedPolicy> policies = new ConcurrentHashMap<>();

    private record CachedPolicy(List<String> groups, long loadedAt) {
    }

    public record Group(String id, String name, List<String> members) {
    }

    TenantGroups(Db db, TenantService tenants) {
        this.db = db;
        this.tenants = tenants;
    }

    public List<Group> groups(String tenantId) {
        return db.sql().sql("SELECT group_id, name FROM tenant_groups WHERE tenant_id = ? ORDER BY group_id")
                .param(tenantId).query((rs, n) -> new Group(rs.getString(1), rs.getString(2), members(tenantId, rs.getString(1))))
                .list();
    }

    public Group group(String tenantId, String groupId) {
        return db.sql().sql("SELECT group_id, name FROM tenant_groups WHERE tenant_id = ? AND group_id = ?")
                .params(tenantId, groupId).query((rs, n) -> new Group(rs.getString(1), rs.getString(2), members(tenantId, groupId)))
                .optional().orElseThrow(() -> MatrixException.notFound("Unknown group " + groupId));
    }

    private List<String> members(String tenantId, String groupId) {
        return db.sql().sql("SELECT user_id FROM tenant_group_members WHERE tenant_id = ? AND group_id = ? ORDER BY user_id")
                .params(tenantId, groupId).query(String.class).list();
    }

    public Group create(String tenantId, String groupId, String name) {
        if (groupId == null || !ID.matcher(groupId).matches()) {
            throw MatrixException.invalidParam("Group IDs are 1-64 of a-z, 0-9, '.', '_', '-'");
        }
        if (name == null || name.isBlank() || name.length() > 200) throw MatrixException.invalidParam("Give the group a name");
        db.write(() -> {
            if (db.sql().sql("SELECT 1 FROM tenant_groups WHERE tenant_id = ? AND group_id = ?").params(tenantId, groupId)
                    .query(Integer.class).optional().isPresent()) {
                throw new MatrixException(ErrCode.M_INVALID_PARAM, 409, "Group " + groupId + " exists", Map.of());
            }
            db.sql().sql("INSERT INTO tenant_groups (tenant_id, group_id, name, created_ts) VALUES (?, ?, ?, ?)")
                    .params(tenantId, groupId, name, System.currentTimeMillis()).update();
        });
        return group(tenantId, groupId);
    }

    /** Deletes a group; refused while the sign-in policy names it (that would lock its members out). */
    public void delete(String tenantId, String groupId) {
        group(tenantId, groupId);
        if (signInGroups(tenantId).contains(groupId)) {
            throw new MatrixException(ErrCode.M_INVALID_PARAM, 409,
                    "The sign-in policy names this group; change the policy first", Map.of());
        }
        db.write(() -> {
            db.sql().sql("DELETE FROM tenant_group_members WHERE tenant_id = ? AND group_id = ?").params(tenantId, groupId).update();
            db.sql().sql("DELETE FROM tenant_groups WHERE tenant_id = ? AND group_id = ?").params(tenantId, groupId).update();
        });
    }

    /** Adds a user of this tenant (their user ID is on one of its domains) to a group. */
    public void addMember(String tenantId, String groupId, String userId) {
        UserId parsed = UserId.parse(userId);
        if (!tenants.tenantOfDomain(parsed.domain()).map(tenantId::equals).orElse(false)) {
            throw MatrixException.invalidParam(userId + " is not a user of tenant " + tenantId);
        }
        group(tenantId, groupId);
        db.write(() -> db.sql().sql("INSERT INTO tenant_group_members (tenant_id, group_id, user_id) VALUES (?, ?, ?) "
                + "ON CONFLICT (tenant_id, group_id, user_id) DO NOTHING").params(tenantId, groupId, userId).update());
    }

    public void removeMember(String tenantId, String groupId, String userId) {
        group(tenantId, groupId);
        db.write(() -> db.sql().sql("DELETE FROM tenant_group_members WHERE tenant_id = ? AND group_id = ? AND user_id = ?")
                .params(tenantId, groupId, userId).update());
    }

    /** The groups whose members may sign in; empty: every enabled user of the tenant. */
    public List<String> signInGroups(String tenantId) {
        CachedPolicy cached = policies.get(tenantId);
        if (cached != null && System.currentTimeMillis() - cached.loadedAt() < POLICY_TTL_MS) return cached.groups();
        List<String> groups = db.sql().sql("SELECT sign_in_groups FROM tenant_sign_in_policy WHERE tenant_id = ?")
                .param(tenantId).query(String.class).optional()
                .map(text -> text.isEmpty() ? List.<String>of() : List.of(text.split(","))).orElse(List.of());
        policies.put(tenantId, new CachedPolicy(groups, System.currentTimeMillis()));
        return groups;
    }

    public void setSignInGroups(String tenantId, List<String> groups) {
        List<String> sorted = new ArrayList<>(groups);
        Collections.sort(sorted);
        for (String groupId : sorted) group(tenantId, groupId);
        db.write(() -> db.sql().sql("INSERT INTO tenant_sign_in_policy (tenant_id, sign_in_groups, updated_ts) VALUES (?, ?, ?) "
                        + "ON CONFLICT (tenant_id) DO UPDATE SET sign_in_groups = excluded.sign_in_groups, "
                        + "updated_ts = excluded.updated_ts")
                .params(tenantId, String.join(",", sorted), System.currentTimeMillis()).update());
        policies.remove(tenantId);
    }

    /** Whether the tenant's sign-in policy lets this user in (checked at login and on every request). */
    public boolean maySignIn(String tenantId, String userId) {
        List<String> groups = signInGroups(tenantId);
        if (groups.isEmpty()) return true;
        List<Object> params = new ArrayList<>(Arrays.asList(tenantId, userId));
        params.addAll(groups);
        String marks = String.join(",", Collections.nCopies(groups.size(), "?"));
        return db.sql().sql("SELECT 1 FROM tenant_group_members WHERE tenant_id = ? AND user_id = ? AND group_id IN ("
                        + marks + ") LIMIT 1")
                .params(params).query(Integer.class).optional().isPresent();
    }
}
