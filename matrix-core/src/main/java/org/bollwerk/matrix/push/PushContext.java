package org.bollwerk.matrix.push;

import java.util.function.ToLongFunction;

/**
 * What the conditions need to know beyond the event, from the receiving user's point of view.
 *
 * @param displayName        the receiving user's display name in the room (null: none)
 * @param roomMemberCount    joined members of the room
 * @param senderPowerLevel   the sender's power level in the room
 * @param notificationLevels level needed for a notification key such as {@code room}
 */
public record PushContext(String displayName, long roomMemberCount, long senderPowerLevel,
                          ToLongFunction<String> notificationLevels) {
}
