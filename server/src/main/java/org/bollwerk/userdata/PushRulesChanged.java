package org.bollwerk.userdata;

/** A user's push rules changed (published inside the write): evaluators drop what they compiled from them. */
public record PushRulesChanged(String userId) {
}
