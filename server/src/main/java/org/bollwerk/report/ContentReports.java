package org.bollwerk.report;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.ratelimit.ReportRateLimit;
import org.bollwerk.room.RoomReader;
import org.bollwerk.room.StoredEvent;
import org.bollwerk.tenant.TenantIsolation;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Takes reports of events, rooms and users and keeps them for the reporter's tenant admins. A reporter may
 * only report what they can see; anything else answers exactly like something that does not exist (404), so
 * reporting is no existence oracle.
 */
@Service
public class ContentReports {
    static final int MAX_REASON_LENGTH = 5_000;
    private final RoomReader rooms;
    private final AccountService accounts;
    private final TenantIsolation isolation;
    private final ReportRateLimit rateLimit;
    private final ReportStore store;
    private final Clock clock;

    ContentReports(RoomReader rooms, AccountService accounts, TenantIsolation isolation, ReportRateLimit rateLimit,
                   ReportStore store) {
        this.rooms = rooms;
        this.accounts = accounts;
        this.isolation = isolation;
        this.rateLimit = rateLimit;
        this.store = store;
        this.clock = Clock.systemUTC();
    }

    /** Reports one event the reporter can see (spec: {@code POST /rooms/{roomId}/report/{eventId}}). */
    public void reportEvent(Requester reporter, String roomId, String eventId, String reason, Integer score) {
        checkReason(reason, score);
        StoredEvent event;
        try {
            event = rooms.event(roomId, reporter.userId(), eventId);
        } catch (MatrixException notVisible) {
            throw MatrixException.notFound("Event not found");  // unknown room, no access, unknown or hidden event alike
        }
        save(reporter, "event", roomId, eventId, event.sender(), reason, score);
    }

    /** Reports a room the reporter is or was in, was invited to, or may read (spec v1.13). */
    public void reportRoom(Requester reporter, String roomId, String reason) {
        checkReason(reason, null);
        if (rooms.membership(roomId, reporter.userId()).isEmpty()) {
            try {
                rooms.requireCanRead(roomId, reporter.userId());
            } catch (MatrixException noAccess) {
                throw MatrixException.notFound("Room not found");
            }
        }
        save(reporter, "room", roomId, null, null, reason, null);
    }

    /** Reports a user the reporter may see (spec v1.14); another organisation's users answer as unknown ones. */
    public void reportUser(Requester reporter, String userId, String reason) {
        checkReason(reason, null);
        isolation.seeUser(reporter.userId(), userId).orElseThrow(() -> MatrixException.notFound("User not found"));
        if (!accounts.exists(userId)) throw MatrixException.notFound("User not found");
        save(reporter, "user", null, null, userId, reason, null);
    }

    /** Reports received from users of one tenant, newest first (for its admins). */
    public List<ContentReport> reports(String tenantId, int offset, int limit) {
        return store.list(tenantId, offset, limit);
    }

    /**
     * Which reports to list: of the tenants named ({@code null}: all), optionally only one kind, room, reporter
     * or reported user (the sender of a reported event), only open ones, newest or oldest first.
     */
    public record Query(List<String> tenantIds, String kind, String roomId, String reporter, String targetUserId,
                        boolean openOnly, boolean newestFirst) {
    }

    /** One page of a listing and how many reports match in all. */
    public record Page(List<ContentReport> reports, long total) {
    }

    public Page search(Query query, int offset, int limit) {
        if (query.tenantIds() != null && query.tenantIds().isEmpty()) return new Page(List.of(), 0);
        return new Page(store.search(query, offset, limit), store.count(query));
    }

    public java.util.Optional<ContentReport> report(String reportId) {
        return store.find(reportId);
    }

    /** Marks a report handled; the first resolution is kept. */
    public void resolve(String reportId, String byUserId) {
        store.resolve(reportId, byUserId, clock.millis());
    }

    public boolean delete(String reportId) {
        return store.delete(reportId);
    }

    /**
     * The reported event in the client format, for the admin who handles the report (the reporter chose to show
     * it to them); empty when it is gone. Content of encrypted rooms stays ciphertext.
     */
    public java.util.Optional<tools.jackson.databind.node.ObjectNode> reportedEvent(ContentReport report) {
        if (report.eventId() == null) return java.util.Optional.empty();
        StoredEvent event = rooms.events(List.of(report.eventId())).get(report.eventId());
        return java.util.Optional.ofNullable(event).map(e -> org.bollwerk.room.ClientEvents.format(e, null, null));
    }

    private static void checkReason(String reason, Integer score) {
        if (reason != null && reason.length() > MAX_REASON_LENGTH) {
            throw MatrixException.invalidParam("reason must be at most " + MAX_REASON_LENGTH + " characters");
        }
        if (score != null && (score < -100 || score > 0)) {
            throw MatrixException.invalidParam("score must be between -100 and 0");
        }
    }

    private void save(Requester reporter, String kind, String roomId, String eventId, String targetUserId,
                      String reason, Integer score) {
        // Checked after visibility, so invisible targets cost nothing and answer alike; before storing anything.
        rateLimit.check(reporter);
        store.insert(new ContentReport(UUID.randomUUID().toString(), reporter.tenantId(), reporter.userId(), kind,
                roomId, eventId, targetUserId, reason == null || reason.isEmpty() ? null : reason, score,
                clock.millis(), null, null));
    }
}
