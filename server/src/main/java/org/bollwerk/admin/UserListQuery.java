package org.bollwerk.admin;

import org.bollwerk.account.UserAccount;
import org.bollwerk.matrix.MatrixException;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The query parameters of {@code GET /_synapse/admin/v2/users}, validated as Synapse does: integers must
 * be non-negative, booleans {@code true}/{@code false}, anything else is 400 {@code M_INVALID_PARAM}.
 */
record UserListQuery(int from, int limit, boolean includeDeactivated, boolean includeLocked, Boolean admins,
                     String userIdContains, String nameContains, String orderBy, boolean backwards) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    static UserListQuery parse(Map<String, String> params) {
        int from = nonNegative(params, "from", 0);
        int limit = nonNegative(params, "limit", DEFAULT_LIMIT);
        if (limit == 0) throw MatrixException.invalidParam("Query parameter 'limit' must be a positive integer");
        bool(params, "guests");  // validated; Bollwerk has no guest accounts
        String orderBy = params.getOrDefault("order_by", "name");
        if (!ORDERS.containsKey(orderBy)) throw MatrixException.invalidParam("Unknown value for order_by: "
                + AdminAccess.abbreviate(orderBy));
        String dir = params.getOrDefault("dir", "f");
        if (!dir.equals("f") && !dir.equals("b")) throw MatrixException.invalidParam("dir must be 'f' or 'b'");
        Boolean deactivated = bool(params, "deactivated");
        Boolean locked = bool(params, "locked");
        return new UserListQuery(from, Math.min(limit, MAX_LIMIT), Boolean.TRUE.equals(deactivated),
                Boolean.TRUE.equals(locked), bool(params, "admins"), blankToNull(params.get("user_id")),
                blankToNull(params.get("name")), orderBy, dir.equals("b"));
    }

    /** Whether {@code user} passes the filters (display names are not searched yet: see DisplayNames). */
    boolean matches(UserAccount user) {
        if (user.deactivated() && !includeDeactivated) return false;
        if (user.locked() && !includeLocked) return false;
        if (admins != null && user.admin() != admins) return false;
        String id = user.userId().toLowerCase(Locale.ROOT);
        if (nameContains != null) {
            String localpart = id.substring(1, Math.max(1, id.indexOf(':')));
            return localpart.contains(nameContains.toLowerCase(Locale.ROOT));
        }
        return userIdContains == null || id.contains(userIdContains.toLowerCase(Locale.ROOT));
    }

    /** The requested order, always ending in the user ID so that pages are stable. */
    Comparator<UserAccount> comparator() {
        Comparator<UserAccount> order = ORDERS.get(orderBy);
        Comparator<UserAccount> full = order == null ? BY_NAME : order.thenComparing(BY_NAME);
        return backwards ? full.reversed() : full;
    }

    private static final Comparator<UserAccount> BY_NAME = Comparator.comparing(UserAccount::userId);
    private static final Comparator<UserAccount> CONSTANT = (a, b) -> 0;
    // Columns Bollwerk does not have (guests, shadow bans, user types, avatars) sort as equal.
    private static final Map<String, Comparator<UserAccount>> ORDERS = Map.ofEntries(
            Map.entry("name", BY_NAME),
            Map.entry("creation_ts", by(UserAccount::createdTs)),
            Map.entry("admin", by(UserAccount::admin)),
            Map.entry("deactivated", by(UserAccount::deactivated)),
            Map.entry("locked", by(UserAccount::locked)),
            Map.entry("is_guest", CONSTANT),
            Map.entry("shadow_banned", CONSTANT),
            Map.entry("user_type", CONSTANT),
            Map.entry("displayname", CONSTANT),
            Map.entry("avatar_url", CONSTANT),
            Map.entry("last_seen_ts", CONSTANT));

    private static <T extends Comparable<T>> Comparator<UserAccount> by(Function<UserAccount, T> key) {
        return Comparator.comparing(key);
    }

    private static int nonNegative(Map<String, String> params, String name, int fallback) {
        String value = params.get(name);
        if (value == null) return fallback;
        if (!value.matches("[0-9]{1,9}")) {
            throw MatrixException.invalidParam("Query parameter '" + name + "' must be a non-negative integer");
        }
        return Integer.parseInt(value);
    }

    private static Boolean bool(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) return null;
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MatrixException.invalidParam("Query parameter '" + name + "' must be true or false");
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
