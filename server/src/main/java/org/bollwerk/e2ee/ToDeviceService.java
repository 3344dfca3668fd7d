package org.bollwerk.e2ee;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.Device;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.ratelimit.ToDeviceRateLimit;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Send-to-device messaging. A request's messages are stored at one stream position, once per
 * (sending device, transaction ID), and stay until the receiving device syncs with a {@code since} at
 * or past that position: a response lost on the way is simply delivered again.
 */
@Service
class ToDeviceService {
    /** What a sender blocked by a full recipient queue is told to wait: devices sync in seconds to minutes. */
    static final long BACKLOG_RETRY_MS = 60_000;
    private final Db db;
    private final ToDeviceStore store;
    private final AccountService accounts;
    private final E2eeProperties limits;

    private final org.bollwerk.tenant.TenantIsolation isolation;
    private final ToDeviceRateLimit rateLimit;

    ToDeviceService(Db db, ToDeviceStore store, AccountService accounts, E2eeProperties limits,
                    org.bollwerk.tenant.TenantIsolation isolation, ToDeviceRateLimit rateLimit) {
        this.isolation = isolation;
        this.rateLimit = rateLimit;
        this.db = db;
        this.store = store;
        this.accounts = accounts;
        this.limits = limits;
    }

    private record Delivery(String userId, String deviceId, String contentJson) {
    }

    void send(Requester requester, String type, String txnId, ObjectNode body) {
        if (type.isEmpty() || type.length() > 255) throw MatrixException.invalidParam("Invalid event type");
        if (txnId.isEmpty() || txnId.length() > 255) throw MatrixException.invalidParam("Invalid transaction ID");
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) throw MatrixException.missingParam("Missing 'messages'");
        if (!messages.isObject()) throw MatrixException.badJson("'messages' must be an object");
        for (Map.Entry<String, JsonNode> user : messages.properties()) {
            if (!UserId.isValid(user.getKey())) throw MatrixException.invalidParam("Invalid user ID " + user.getKey());
            if (!user.getValue().isObject()) throw MatrixException.badJson("messages of " + user.getKey() + " must be an object");
            for (Map.Entry<String, JsonNode> device : user.getValue().properties()) {
                if (!device.getValue().isObject()) throw MatrixException.badJson("A message's content must be an object");
            }
        }
        long now = System.currentTimeMillis();
        db.write(() -> {
            List<Delivery> deliveries = expand(requester, messages);
            if (deliveries.size() > limits.maxToDeviceMessagesPerRequest()) {
                throw new MatrixException(ErrCode.M_TOO_LARGE, "A request may deliver at most "
                        + limits.maxToDeviceMessagesPerRequest() + " to-device messages; this one would deliver "
                        + deliveries.size() + " (bollwerk.e2ee.max-to-device-messages-per-request)");
            }
            if (!store.claimTxn(requester.userId(), requester.deviceId(), txnId, now)) return;  // already done
            if (deliveries.isEmpty()) return;
            // Both refusals below throw inside this write, which rolls the claim of the transaction ID back:
            // the client retries the same request after retry_after_ms and it is delivered whole.
            rateLimit.check(requester, deliveries.size(), deliveries.stream().mapToLong(d -> d.contentJson().length()).sum());
            refuseWhenABacklogIsFull(deliveries);
            long position = db.nextPosition();
            int seq = 0;
            Set<String> woken = new LinkedHashSet<>();
            for (Delivery d : deliveries) {
                store.insert(d.userId(), d.deviceId(), position, seq++, requester.userId(), type, d.contentJson());
                if (woken.add(d.userId())) db.wakeAfterCommit(org.bollwerk.storage.WakeKey.user(d.userId()));
            }
        });
    }

    /**
     * A device that does not sync (lost phone, abandoned browser) must not collect messages without bound.
     * When this request would take a device's queue past the cap, the whole request is refused with
     * M_LIMIT_EXCEEDED rather than older messages dropped: to-device delivery stays reliable (what was accepted
     * is delivered), and the sender learns of the refusal instead of a recipient silently missing room keys.
     */
    private void refuseWhenABacklogIsFull(List<Delivery> deliveries) {
        int cap = limits.maxPendingToDevicePerDevice();
        Map<String, Integer> adding = new java.util.HashMap<>();
        for (Delivery d : deliveries) adding.merge(d.userId() + "\n" + d.deviceId(), 1, Integer::sum);
        int mostToOneDevice = adding.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<String> users = deliveries.stream().map(Delivery::userId).distinct().toList();
        for (ToDeviceStore.Backlog backlog : store.backlogsAbove(users, Math.max(0, cap - mostToOneDevice))) {
            int added = adding.getOrDefault(backlog.userId() + "\n" + backlog.deviceId(), 0);
            if (added > 0 && backlog.pending() + added > cap) {
                throw new MatrixException(ErrCode.M_LIMIT_EXCEEDED, 429, "Device " + backlog.deviceId() + " of "
                        + backlog.userId() + " has " + backlog.pending() + " to-device messages waiting (at most " + cap
                        + "); try again once it has synced", Map.of("retry_after_ms", BACKLOG_RETRY_MS));
            }
        }
    }

    /**
     * One delivery per existing target device; {@code *} means every device of the user. Messages for
     * users or devices this server does not have are dropped (there is no federation yet), and so are
     * messages to users of tenants the sender's tenant is isolated from.
     */
    private List<Delivery> expand(Requester requester, JsonNode messages) {
        List<Delivery> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> user : messages.properties()) {
            UserId.parse(user.getKey());
            boolean reachable = isolation.tenantOfUser(user.getKey()).isPresent()
                    && isolation.seeUser(requester.userId(), user.getKey()).allowed();
            if (!reachable) continue;
            List<String> devices = accounts.devices(user.getKey()).stream().map(Device::deviceId).toList();
            if (devices.isEmpty()) continue;
            for (Map.Entry<String, JsonNode> target : user.getValue().properties()) {
                String content = Json.write(target.getValue());
                if ("*".equals(target.getKey())) {
                    for (String device : devices) out.add(new Delivery(user.getKey(), device, content));
                } else if (devices.contains(target.getKey())) {
                    out.add(new Delivery(user.getKey(), target.getKey(), content));
                }
            }
        }
        return out;
    }

    /** Deletes what the device has seen: every message at or below the {@code since} it synced with. */
    void acknowledge(String userId, String deviceId, long sincePosition) {
        if (!store.anyAtOrBelow(userId, deviceId, sincePosition)) return;
        db.write(() -> {
            store.deleteAtOrBelow(userId, deviceId, sincePosition);
        });
    }

    /**
     * Lowers {@code upTo} so that one sync response carries at most the configured number of to-device
     * messages: the next sync (with this response's next_batch) then fetches the rest, and nothing is
     * deleted before it was delivered.
     */
    long deliverableUpTo(String userId, String deviceId, long fromExclusive, long upTo) {
        OptionalLong next = store.positionAfter(userId, deviceId, upTo, limits.toDeviceMessagesPerSync());
        if (next.isEmpty()) return upTo;
        long capped = next.getAsLong() - 1;
        return capped > fromExclusive ? capped : next.getAsLong();
    }

    List<ObjectNode> pending(String userId, String deviceId, long upTo) {
        List<ObjectNode> events = new ArrayList<>();
        // No LIMIT here: whatever is at or below upTo is deleted once acknowledged, so all of it must go out.
        // deliverableUpTo keeps the amount bounded.
        for (ToDeviceStore.Message m : store.pending(userId, deviceId, upTo, Integer.MAX_VALUE)) {
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.put("sender", m.sender());
            event.put("type", m.type());
            event.set("content", m.content());
            events.add(event);
        }
        return events;
    }
}
