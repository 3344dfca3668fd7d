package org.bollwerk.alerts;

import java.util.List;

/**
 * What to send: {@code body} to the members of {@code groups} (empty: the whole tenant). {@code remindAfterMs}
 * null takes the default ({@code bollwerk.alerts.remind-after}); {@code escalateToGroups} get the alert with the
 * list of those who have not acknowledged when {@code escalateAfterMs} has passed.
 */
public record AlertRequest(String body, List<String> groups, Long remindAfterMs, List<String> escalateToGroups,
                           Long escalateAfterMs) {
    public static final int MAX_BODY = 4000;
    public static final int MAX_GROUPS = 100;
}
