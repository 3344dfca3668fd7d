package org.bollwerk.account;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.springframework.web.servlet.HandlerMapping;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a suspended account may not do: the spec's recommended list (v1.13, "Account suspension") — joining
 * and knocking, inviting, sending messages and state, creating rooms, moderating others (kick, ban, room
 * upgrade), changing the profile, publishing aliases and uploading media. Everything else stays allowed, as
 * the spec asks: reading and syncing, leaving and rejecting invites, redacting, receipts and typing, keys,
 * cross-signing and key backup, logging out, deleting devices, deactivating.
 *
 * <p>Decided on the route pattern the router matched (never on the raw URI), once per request where the
 * {@link Requester} is resolved, so a new write endpoint is caught when its pattern matches a rule here.
 */
final class SuspensionRules {
    /** Route patterns (without the {@code /_matrix/client/<version>} prefix) that a suspended account may not use. */
    private static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("/rooms/\\{roomId}/send/.*"),
            Pattern.compile("/rooms/\\{roomId}/state/.*"),
            Pattern.compile("/rooms/\\{roomId}/(join|invite|kick|ban|unban|upgrade)"),
            Pattern.compile("/(join|knock)/\\{roomIdOrAlias}"),
            Pattern.compile("/createRoom"),
            Pattern.compile("/profile/\\{userId}/.*"),
            Pattern.compile("/directory/room/\\{alias}"),
            Pattern.compile("/_matrix/media/[^/]+/(upload.*|create)"));
    private static final Pattern CLIENT_PREFIX = Pattern.compile("^/_matrix/client/(v1|v3|r0|unstable(/[^/]+)?)");

    private SuspensionRules() {
    }

    /** Throws 403 {@code M_USER_SUSPENDED} when a suspended account's request is one it may not make. */
    static void check(HttpServletRequest request) {
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)) return;
        Object matched = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (!(matched instanceof String pattern)) return;
        if (forbids(pattern, eventType(request))) {
            throw new MatrixException(ErrCode.M_USER_SUSPENDED, "You cannot perform this action while suspended.");
        }
    }

    /** Whether {@code pattern} (as routed) is closed to suspended accounts; redactions sent via /send stay open. */
    static boolean forbids(String pattern, String eventType) {
        String route = CLIENT_PREFIX.matcher(pattern).replaceFirst("");
        if (route.startsWith("/rooms/{roomId}/send/") && "m.room.redaction".equals(eventType)) return false;
        return FORBIDDEN.stream().anyMatch(rule -> rule.matcher(route).matches());
    }

    private static String eventType(HttpServletRequest request) {
        Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        return variables instanceof Map<?, ?> map && map.get("eventType") instanceof String type ? type : null;
    }
}
