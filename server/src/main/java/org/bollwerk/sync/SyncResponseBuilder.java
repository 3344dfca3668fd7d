package org.bollwerk.sync;

import org.bollwerk.account.Requester;
import org.bollwerk.e2ee.E2eeSync;
import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.ephemeral.ReceiptService;
import org.bollwerk.ephemeral.TypingService;
import org.bollwerk.filter.EventFilter;
import org.bollwerk.filter.SyncFilter;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.push.Notifications;
import org.bollwerk.room.ClientEvents;
import org.bollwerk.room.RoomReader;
import org.bollwerk.room.StoredEvent;
import org.bollwerk.storage.StreamToken;
import org.bollwerk.userdata.AccountDataService;
import org.bollwerk.userdata.AccountDataEntry;
import org.bollwerk.userdata.PresenceService;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds one /sync response for the stream window (since, upTo]. */
@Component
class SyncResponseBuilder {
    private final RoomReader rooms;
    private final TypingService typing;
    private final ReceiptService receipts;
    private final AccountDataService accountData;
    private final PresenceService presence;
    private final E2eeSync e2ee;
    private final Notifications notifications;
    private final int defaultLimit;

    SyncResponseBuilder(RoomReader rooms, TypingService typing, ReceiptService receipts, AccountDataService accountData,
                        PresenceService presence, E2eeSync e2ee, Notifications notifications, BollwerkProperties props) {
        this.notifications = notifications;
        this.e2ee = e2ee;
        this.rooms = rooms;
        this.typing = typing;
        this.receipts = receipts;
        this.accountData = accountData;
        this.presence = presence;
        this.defaultLimit = props.sync().defaultTimelineLimit();
    }

    /** {@code roomIds}: every room the user had a membership in when the response was built. */
    record Result(SyncResponse body, boolean hasContent, List<String> roomIds) {
    }

    Result build(Requester requester, StreamToken since, long upTo, long typingSerial, SyncFilter filter, boolean fullState) {
        String user = requester.userId();
        long from = since == null ? 0 : since.position();
        Map<String, SyncResponse.JoinedRoom> join = new LinkedHashMap<>();
        Map<String, SyncResponse.InvitedRoom> invite = new LinkedHashMap<>();
        Map<String, SyncResponse.LeftRoom> leave = new LinkedHashMap<>();
        Map<String, SyncResponse.KnockedRoom> knock = new LinkedHashMap<>();
        Set<String> presenceUsers = new LinkedHashSet<>();
        Map<String, List<AccountDataEntry>> roomData = accountData.roomChanges(user, from, upTo);
        // Rooms whose counts grew after their events were delivered (push rules are evaluated after the commit).
        // Only notifications of events after the user joined count (an invitation's does not), so a late
        // evaluation of events from before the join does not wake the sync with counts that did not change.
        Map<String, Long> countsChanged = since == null ? Map.of() : notifications.roomsChanged(user, from, upTo);

        List<String> roomIds = new ArrayList<>();
        for (RoomReader.RoomMembership m : rooms.memberships(user)) {
            String roomId = m.roomId();
            roomIds.add(roomId);
            if (!filter.includesRoom(roomId) || m.streamOrdering() > upTo) continue;
            boolean changedInWindow = since != null && m.streamOrdering() > from;
            switch (m.membership()) {
                case JOIN -> {
                    boolean initial = since == null || fullState || changedInWindow;
                    SyncResponse.JoinedRoom room = joinedRoom(requester, roomId, initial ? 0 : from, upTo, initial,
                            since == null ? 0 : since.typing(), filter, roomData.get(roomId), presenceUsers,
                            countsChanged.getOrDefault(roomId, -1L) > m.streamOrdering(), m.streamOrdering());
                    if (room != null) join.put(roomId, room);
                }
                case INVITE -> {
                    if (since == null || changedInWindow) {
                        // The invitee's own member event in full (event_id, origin_server_ts), as other servers send
                        // it: apps date the invitation from it and showed "1 Jan 1970" with the stripped one.
                        invite.put(roomId, new SyncResponse.InvitedRoom(new SyncResponse.Events(
                                strippedState(roomId, requester))));
                    }
                }
                case KNOCK -> {
                    if (since == null || changedInWindow) {
                        knock.put(roomId, new SyncResponse.KnockedRoom(new SyncResponse.Events(
                                strippedState(roomId, requester))));
                    }
                }
                default -> {  // leave, ban
                    if ((since == null && filter.includeLeave()) || changedInWindow) {
                        leave.put(roomId, leftRoom(requester, roomId, since == null ? 0 : from, m.streamOrdering(), filter));
                    }
                }
            }
        }

        List<ObjectNode> global = new ArrayList<>();
        long accountDataFrom = since == null ? AccountDataService.INITIAL : from;
        for (AccountDataEntry entry : accountData.globalChanges(user, accountDataFrom, upTo)) {
            if (filter.accountData().matches(null, entry.type(), user, false)) global.add(event(entry));
        }
        // A filter that lets no m.presence through (e.g. {"presence": {"types": []}}) spares the reads below.
        boolean wantsPresence = filter.presence().matches(null, "m.presence", null, false);
        if (wantsPresence && since != null) {
            // Presence that changed in the window, of users who share a room (or the user's own), even when those
            // rooms had nothing else new: going offline is news by itself.
            Set<String> changed = presence.changedBetween(from, upTo);
            if (!changed.isEmpty()) {
                Set<String> sharing = rooms.usersSharingRoomWith(user);
                for (String other : changed) if (other.equals(user) || sharing.contains(other)) presenceUsers.add(other);
            }
        }
        List<ObjectNode> presenceEvents = !wantsPresence || presenceUsers.isEmpty() ? List.of()
                : presence.presenceEvents(presenceUsers, from, upTo).stream()
                .filter(p -> filter.presence().matches(null, "m.presence", p.path("sender").asString(""), false)).toList();
        E2eeSync.Part keys = e2ee.forSync(user, requester.deviceId(), since == null ? null : from, upTo);
        SyncResponse body = new SyncResponse(new StreamToken(upTo, typingSerial).sync(),
                new SyncResponse.Rooms(join, invite, leave, knock),
                new SyncResponse.Events(global), new SyncResponse.Events(presenceEvents),
                new SyncResponse.Events(keys.toDevice()), new SyncResponse.DeviceLists(keys.changed(), keys.left()),
                keys.oneTimeKeyCounts(), keys.unusedFallbackKeyTypes());
        // Presence alone does not end a long-poll: it rides along with the next news or the poll's timeout, so
        // people coming and going do not make every co-member's client spin a round trip each time.
        boolean hasContent = !join.isEmpty() || !invite.isEmpty() || !leave.isEmpty() || !knock.isEmpty() || !global.isEmpty()
                || keys.hasContent();
        return new Result(body, hasContent, roomIds);
    }

    /** The stripped state of an invite or knock, with the user's own member event in full. */
    private List<ObjectNode> strippedState(String roomId, Requester requester) {
        String user = requester.userId();
        return rooms.inviteState(roomId, user).stream()
                .map(e -> "m.room.member".equals(e.type()) && user.equals(e.stateKey())
                        ? ClientEvents.format(e, user, requester.deviceId()) : ClientEvents.stripped(e))
                .toList();
    }

    private SyncResponse.JoinedRoom joinedRoom(Requester requester, String roomId, long from, long upTo, boolean initial,
                                               long sinceTyping, SyncFilter filter, List<AccountDataEntry> data,
                                               Set<String> presenceUsers, boolean countsChanged, long joinedAt) {
        String user = requester.userId();
        List<ObjectNode> ephemeral = new ArrayList<>();
        List<String> typingUsers = initial ? typing.typing(roomId) : typing.typingIfChanged(roomId, sinceTyping);
        if (typingUsers != null && (!initial || !typingUsers.isEmpty())) {
            ObjectNode event = Json.MAPPER.createObjectNode().put("type", "m.typing");
            event.putObject("content").set("user_ids", Json.MAPPER.valueToTree(typingUsers));
            ephemeral.add(event);
        }
        ObjectNode receipt = receipts.receiptEvent(roomId, user, from, upTo);
        if (receipt != null) ephemeral.add(receipt);
        ephemeral.removeIf(e -> !filter.ephemeral().matches(roomId, e.path("type").asString(), user, false));
        List<ObjectNode> roomAccountData = data == null ? List.of() : data.stream()
                .filter(d -> filter.roomAccountData().matches(roomId, d.type(), user, false)).map(SyncResponseBuilder::event)
                .toList();
        boolean anyEvents = initial || rooms.anyEvents(roomId, from, upTo);
        if (!anyEvents && ephemeral.isEmpty() && roomAccountData.isEmpty() && !countsChanged) return null;

        EventFilter timelineFilter = filter.timeline();
        RoomReader.Page page = anyEvents
                ? rooms.timeline(roomId, user, from, upTo, timelineFilter.limitOr(defaultLimit), timelineFilter)
                : new RoomReader.Page(List.of(), false, upTo, upTo);
        List<StoredEvent> state = stateFor(roomId, user, initial, from, page, filter.state());
        page.events().forEach(e -> presenceUsers.add(e.sender()));

        Notifications.RoomCounts counts = notifications.counts(roomId, user, joinedAt);
        SyncResponse.UnreadNotifications unread;
        Map<String, SyncResponse.UnreadNotifications> threadCounts = null;
        if (filter.unreadThreadNotifications()) {
            unread = unread(counts.main());
            threadCounts = new LinkedHashMap<>();
            for (var thread : counts.threads().entrySet()) threadCounts.put(thread.getKey(), unread(thread.getValue()));
        } else {
            unread = unread(counts.room());
        }
        SyncResponse.Summary summary = null;
        if (initial || hasMemberChange(page.events(), state)) {
            RoomReader.Summary members = rooms.summary(roomId, user);
            summary = new SyncResponse.Summary(members.heroes(), members.joined(), members.invited());
            presenceUsers.addAll(members.heroes());
        }
        return new SyncResponse.JoinedRoom(timeline(page, requester), new SyncResponse.Events(format(state, requester)),
                new SyncResponse.Events(ephemeral), new SyncResponse.Events(roomAccountData),
                unread, threadCounts, summary);
    }

    private static SyncResponse.UnreadNotifications unread(Notifications.Counts counts) {
        return new SyncResponse.UnreadNotifications(counts.notifications(), counts.highlights());
    }

    /** State before the timeline: full for a room new to the client, the changes otherwise. */
    private List<StoredEvent> stateFor(String roomId, String user, boolean initial, long from, RoomReader.Page page,
                                       EventFilter stateFilter) {
        List<StoredEvent> state;
        if (initial) {
            state = rooms.stateAt(roomId, page.lowest());
        } else if (page.more()) {
            state = rooms.stateChanges(roomId, from, page.lowest());
        } else {
            state = List.of();
        }
        if (stateFilter.lazyLoadMembers()) {
            Set<String> wanted = new LinkedHashSet<>();
            // The user's own membership: with the room's first appearance or after a gap; a client that synced
            // without a gap has it already (the spec: memberships already sent are not repeated).
            if (initial || page.more()) wanted.add(user);
            page.events().forEach(e -> wanted.add(e.sender()));
            List<StoredEvent> lazy = new ArrayList<>();
            for (StoredEvent e : state) {
                if (!"m.room.member".equals(e.type()) || wanted.contains(e.stateKey())) lazy.add(e);
            }
            Set<String> present = new LinkedHashSet<>();
            lazy.forEach(e -> {
                if ("m.room.member".equals(e.type())) present.add(e.stateKey());
            });
            Set<String> inTimeline = new LinkedHashSet<>();
            page.events().forEach(e -> {
                if ("m.room.member".equals(e.type())) inTimeline.add(e.stateKey());
            });
            wanted.removeAll(present);
            wanted.removeAll(inTimeline);
            if (!wanted.isEmpty()) lazy.addAll(rooms.membersAt(roomId, wanted, page.lowest()));
            state = lazy;
        }
        return state.stream().filter(e -> stateFilter.matches(roomId, e.type(), e.sender(), false)).toList();
    }

    private SyncResponse.LeftRoom leftRoom(Requester requester, String roomId, long from, long leftAt, SyncFilter filter) {
        EventFilter timelineFilter = filter.timeline();
        RoomReader.Page page = rooms.timeline(roomId, requester.userId(), from, leftAt,
                timelineFilter.limitOr(defaultLimit), timelineFilter);
        List<StoredEvent> state = from == 0 || page.more() ? rooms.stateChanges(roomId, from, page.lowest()) : List.of();
        return new SyncResponse.LeftRoom(timeline(page, requester), new SyncResponse.Events(format(state, requester)),
                SyncResponse.Events.NONE);
    }

    private static SyncResponse.Timeline timeline(RoomReader.Page page, Requester requester) {
        return new SyncResponse.Timeline(format(page.events(), requester), page.more(), StreamToken.of(page.lowest()));
    }

    private static boolean hasMemberChange(List<StoredEvent> timeline, List<StoredEvent> state) {
        return timeline.stream().anyMatch(e -> "m.room.member".equals(e.type()))
                || state.stream().anyMatch(e -> "m.room.member".equals(e.type()));
    }

    private static List<ObjectNode> format(List<StoredEvent> events, Requester requester) {
        return events.stream().map(e -> ClientEvents.format(e, requester.userId(), requester.deviceId())).toList();
    }

    private static ObjectNode event(AccountDataEntry entry) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("type", entry.type());
        event.set("content", entry.content());
        return event;
    }
}
