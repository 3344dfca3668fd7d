package org.bollwerk.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * The body of one /sync response, as the client-server spec names it. Records rather than maps so that a
 * misspelt key or a value of the wrong type is a compile error, not a client that silently misses a field.
 * The explicit property order keeps the JSON as it was when this was built from ordered maps.
 */
@JsonPropertyOrder({"next_batch", "rooms", "account_data", "presence", "to_device", "device_lists",
        "device_one_time_keys_count", "device_unused_fallback_key_types"})
record SyncResponse(
        @JsonProperty("next_batch") String nextBatch,
        Rooms rooms,
        @JsonProperty("account_data") Events accountData,
        Events presence,
        @JsonProperty("to_device") Events toDevice,
        @JsonProperty("device_lists") DeviceLists deviceLists,
        @JsonProperty("device_one_time_keys_count") Map<String, Integer> oneTimeKeysCount,
        @JsonProperty("device_unused_fallback_key_types") List<String> unusedFallbackKeyTypes) {

    /** The rooms by section, each keyed by room ID. */
    @JsonPropertyOrder({"join", "invite", "leave", "knock"})
    record Rooms(Map<String, JoinedRoom> join, Map<String, InvitedRoom> invite, Map<String, LeftRoom> leave,
                 Map<String, KnockedRoom> knock) {
    }

    /** {@code summary} only when the room is new to the client or its membership changed (absent, not null). */
    @JsonPropertyOrder({"timeline", "state", "ephemeral", "account_data", "unread_notifications",
            "unread_thread_notifications", "summary"})
    record JoinedRoom(Timeline timeline, Events state, Events ephemeral,
                      @JsonProperty("account_data") Events accountData,
                      @JsonProperty("unread_notifications") UnreadNotifications unreadNotifications,
                      @JsonProperty("unread_thread_notifications") @JsonInclude(JsonInclude.Include.NON_NULL)
                      Map<String, UnreadNotifications> unreadThreadNotifications,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Summary summary) {
    }

    record InvitedRoom(@JsonProperty("invite_state") Events inviteState) {
    }

    record KnockedRoom(@JsonProperty("knock_state") Events knockState) {
    }

    @JsonPropertyOrder({"timeline", "state", "account_data"})
    record LeftRoom(Timeline timeline, Events state, @JsonProperty("account_data") Events accountData) {
    }

    @JsonPropertyOrder({"events", "limited", "prev_batch"})
    record Timeline(List<ObjectNode> events, boolean limited, @JsonProperty("prev_batch") String prevBatch) {
    }

    /** Counts of the push rules' notifications after the user's read receipt (module push). */
    @JsonPropertyOrder({"notification_count", "highlight_count"})
    record UnreadNotifications(@JsonProperty("notification_count") int notificationCount,
                               @JsonProperty("highlight_count") int highlightCount) {
    }

    @JsonPropertyOrder({"m.heroes", "m.joined_member_count", "m.invited_member_count"})
    record Summary(@JsonProperty("m.heroes") List<String> heroes,
                   @JsonProperty("m.joined_member_count") int joinedMemberCount,
                   @JsonProperty("m.invited_member_count") int invitedMemberCount) {
    }

    @JsonPropertyOrder({"changed", "left"})
    record DeviceLists(List<String> changed, List<String> left) {
    }

    /** The spec's recurring {@code {"events": [...]}} wrapper. */
    record Events(List<ObjectNode> events) {
        static final Events NONE = new Events(List.of());
    }
}
