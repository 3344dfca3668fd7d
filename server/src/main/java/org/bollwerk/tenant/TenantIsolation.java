package org.bollwerk.tenant;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one policy point for "may this requester see or affect this user, room, alias or media?" across
 * organisations. Every feature asks here instead of comparing tenants itself (an architecture test,
 * {@code TenantIsolationArchitectureTest}, keeps it so), and further rules — the information barriers of
 * the policies work — plug in as {@link Rule} beans: any rule that refuses wins.
 *
 * <p>The requester is a user ID: its tenant follows from its domain, so the decision needs no account
 * lookup and — for users — never depends on whether the target exists. A refusal says which answer to give:
 * {@link Outcome#HIDE} (answer exactly as if the target did not exist, so existing and missing targets of
 * other organisations look alike) or {@link Outcome#FORBID} (403 with a reason, for writes whose refusal
 * reveals nothing about existence).
 */
@Service
public class TenantIsolation {
    private final TenantService tenants;
    private final ObjectProvider<Rule> rules;

    TenantIsolation(TenantService tenants, ObjectProvider<Rule> rules) {
        this.tenants = tenants;
        this.rules = rules;
    }

    /** What the requester wants to do with the target. */
    public enum Access {
        /** Read it: a profile, presence, keys, a room's history without membership, an alias, media. */
        SEE,
        /** Change it: join a room, or invite, kick, ban or unban a user in a room. */
        AFFECT
    }

    /** The thing asked about. Room-bound targets carry the room's tenant so the policy needs no room lookup. */
    public sealed interface Target {
        /** A user, e.g. a profile, presence, device keys or a to-device message. */
        record User(String userId) implements Target {
        }

        /**
         * A user whose membership in a room someone else changes; {@code sharesRoom} when the user is joined
         * to or invited into that room already (then the change opens no new channel between them).
         */
        record Member(String userId, String roomId, String roomTenantId, boolean sharesRoom) implements Target {
        }

        /** A room: reading it without membership (world-readable history), joining it, publishing it. */
        record Room(String roomId, String roomTenantId) implements Target {
        }

        /** A room alias, through the tenant of the room it points to. */
        record Alias(String alias, String roomTenantId) implements Target {
        }

        /** Content in the media repository, through the tenant that holds it. */
        record Media(String mxcUri, String mediaTenantId) implements Target {
        }
    }

    public enum Outcome { ALLOW, HIDE, FORBID }

    /** The answer, with what to tell a refused requester. */
    public record Decision(Outcome outcome, String reason) {
        public static final Decision ALLOW = new Decision(Outcome.ALLOW, null);

        public static Decision hide() {
            return new Decision(Outcome.HIDE, null);
        }

        public static Decision forbid(String reason) {
            return new Decision(Outcome.FORBID, reason);
        }

        public boolean allowed() {
            return outcome == Outcome.ALLOW;
        }

        /**
         * Returns when allowed; otherwise throws: for {@code HIDE} the caller's own "does not exist" answer
         * ({@code asIfAbsent}), for {@code FORBID} 403 {@code M_FORBIDDEN}.
         */
        public void orElseThrow(Supplier<MatrixException> asIfAbsent) {
            switch (outcome) {
                case ALLOW -> { }
                case HIDE -> throw asIfAbsent.get();
                case FORBID -> throw MatrixException.forbidden(reason);
            }
        }
    }

    /** A further rule (e.g. an information barrier). Return empty to leave the decision to the others. */
    public interface Rule {
        Optional<Decision> decide(String requesterUserId, Access access, Target target);
    }

    /** The decision for one request; the tenant rule first, then every further {@link Rule}. */
    public Decision decide(String requesterUserId, Access access, Target target) {
        Decision decision = tenantRule(requesterUserId, access, target);
        if (!decision.allowed()) return decision;
        for (Rule rule : rules) {
            Optional<Decision> other = rule.decide(requesterUserId, access, target);
            if (other.isPresent() && !other.get().allowed()) return other.get();
        }
        return decision;
    }

    // ---- the common questions, named

    /** May the requester see this user (profile, presence, keys, to-device)? Refusals are {@code HIDE}. */
    public Decision seeUser(String requesterUserId, String targetUserId) {
        return decide(requesterUserId, Access.SEE, new Target.User(targetUserId));
    }

    /** May the requester change {@code targetUserId}'s membership in a room (invite, kick, ban, unban)? */
    public Decision changeMembership(String requesterUserId, String targetUserId, String roomId, String roomTenantId,
                                     boolean targetSharesRoom) {
        return decide(requesterUserId, Access.AFFECT,
                new Target.Member(targetUserId, roomId, roomTenantId, targetSharesRoom));
    }

    /** May the requester read this room without being a member (world-readable history)? */
    public Decision seeRoom(String requesterUserId, String roomId, String roomTenantId) {
        return decide(requesterUserId, Access.SEE, new Target.Room(roomId, roomTenantId));
    }

    /** May the requester join this room? */
    public Decision joinRoom(String requesterUserId, String roomId, String roomTenantId) {
        return decide(requesterUserId, Access.AFFECT, new Target.Room(roomId, roomTenantId));
    }

    /** May the requester learn which room this alias points to? Refusals are {@code HIDE}. */
    public Decision resolveAlias(String requesterUserId, String alias, String roomTenantId) {
        return decide(requesterUserId, Access.SEE, new Target.Alias(alias, roomTenantId));
    }

    /** May the requester fetch media held by this tenant (before room rules narrow it)? */
    public Decision seeMedia(String requesterUserId, String mxcUri, String mediaTenantId) {
        return decide(requesterUserId, Access.SEE, new Target.Media(mxcUri, mediaTenantId));
    }

    /** The tenants whose users the requester may find in the user directory: their own and its partners. */
    public List<String> tenantsVisibleTo(String requesterUserId) {
        String own = tenantOfUser(requesterUserId).orElse(null);
        if (own == null) return List.of();
        List<String> visible = new ArrayList<>(List.of(own));
        visible.addAll(tenants.partners(own));
        return visible;
    }

    // ---- the tenant rule

    private Decision tenantRule(String requesterUserId, Access access, Target target) {
        String requester = tenantOfUser(requesterUserId).orElse(null);
        return switch (target) {
            case Target.User user -> {
                // Decided by the domain alone, before anything is looked up: no existence oracle.
                String other = tenantOfUser(user.userId()).orElse(null);
                yield other == null || interact(requester, other) ? Decision.ALLOW : Decision.hide();
            }
            case Target.Member member -> {
                if (member.userId().equals(requesterUserId)) {
                    yield interact(requester, member.roomTenantId()) ? Decision.ALLOW
                            : Decision.forbid("This room belongs to another organisation");
                }
                String other = tenantOfUser(member.userId()).orElse(null);
                if (other == null || member.sharesRoom()) yield Decision.ALLOW;  // non-local: a matter for federation
                yield interact(requester, other) && interact(member.roomTenantId(), other) ? Decision.ALLOW
                        : Decision.forbid(member.userId() + " belongs to another organisation");
            }
            case Target.Room room -> interact(requester, room.roomTenantId()) ? Decision.ALLOW
                    : access == Access.AFFECT ? Decision.forbid("This room belongs to another organisation")
                    : Decision.hide();
            case Target.Alias alias -> interact(requester, alias.roomTenantId()) ? Decision.ALLOW : Decision.hide();
            case Target.Media media -> interact(requester, media.mediaTenantId()) ? Decision.ALLOW : Decision.hide();
        };
    }

    private boolean interact(String tenantA, String tenantB) {
        return tenants.mayInteract(tenantA, tenantB);
    }

    /** The tenant of a user ID of this deployment (by its domain); empty for malformed or foreign IDs. */
    public Optional<String> tenantOfUser(String userId) {
        if (userId == null || !UserId.isValid(userId)) return Optional.empty();
        return tenants.tenantOfDomain(UserId.parse(userId).domain());
    }
}
