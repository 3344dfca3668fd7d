package org.bollwerk.storage;

import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Carries out the follow-up work a feature recorded with {@link FollowUps#schedule}. A feature module
 * provides one as a bean. {@link #run} may be called more than once for the same item (a crash after
 * part of the work, a claim that expired while a slow node still worked): it must be idempotent, and it
 * should read the current state rather than a copy taken when the work was recorded.
 */
public interface FollowUpHandler {

    /** The kinds of work this handler carries out, e.g. {@code room.member-profiles}. */
    Set<String> kinds();

    /**
     * Does the work, in writes of its own ({@code Db.write}, one per unit such as a room, so that other
     * writes interleave). Returns early, without failing, when {@code stopRequested} turns true (the node
     * shuts down); the item is then run again later, from the start.
     */
    void run(String kind, String subject, BooleanSupplier stopRequested);
}
