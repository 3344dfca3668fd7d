package org.bollwerk.matrix.auth;

import tools.jackson.databind.node.ObjectNode;

/**
 * The room state an event is authorised against: the state <em>before</em> the event.
 *
 * @param createEvent the full {@code m.room.create} event (with {@code sender} and {@code content}:
 *     room version 11 takes the creator from its sender), or {@code null} only when authorising the
 *     create event itself
 * @param powerLevels content of the current {@code m.room.power_levels}, or {@code null} if none
 * @param joinRules content of the current {@code m.room.join_rules}, or {@code null} if none
 * @param senderMember content of the sender's current {@code m.room.member}, or {@code null}
 * @param targetMember content of the current {@code m.room.member} of the event's {@code state_key}
 *     user (member events only; same as {@code senderMember} for self-targeted events), or {@code null}
 * @param redactsOwnEvent for {@code m.room.redaction} only: whether the redacted event was sent by the
 *     same user. Redacting another user's event additionally needs the {@code redact} level.
 */
public record AuthState(ObjectNode createEvent, ObjectNode powerLevels, ObjectNode joinRules,
        ObjectNode senderMember, ObjectNode targetMember, boolean redactsOwnEvent) {

    /** An empty state, for authorising a room's create event. */
    public static AuthState empty() {
        return new AuthState(null, null, null, null, null, false);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Readable construction: {@code AuthState.builder().createEvent(c).senderMember(m).build()}. */
    public static final class Builder {
        private ObjectNode createEvent;
        private ObjectNode powerLevels;
        private ObjectNode joinRules;
        private ObjectNode senderMember;
        private ObjectNode targetMember;
        private boolean redactsOwnEvent;

        private Builder() {}

        public Builder createEvent(ObjectNode event) {
            this.createEvent = event;
            return this;
        }

        public Builder powerLevels(ObjectNode content) {
            this.powerLevels = content;
            return this;
        }

        public Builder joinRules(ObjectNode content) {
            this.joinRules = content;
            return this;
        }

        public Builder senderMember(ObjectNode content) {
            this.senderMember = content;
            return this;
        }

        public Builder targetMember(ObjectNode content) {
            this.targetMember = content;
            return this;
        }

        public Builder redactsOwnEvent(boolean own) {
            this.redactsOwnEvent = own;
            return this;
        }

        public AuthState build() {
            return new AuthState(createEvent, powerLevels, joinRules, senderMember, targetMember, redactsOwnEvent);
        }
    }
}
