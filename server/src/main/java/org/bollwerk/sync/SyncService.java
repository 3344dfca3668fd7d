package org.bollwerk.sync;

import org.bollwerk.account.Requester;
import org.bollwerk.e2ee.E2eeSync;
import org.bollwerk.ephemeral.TypingService;
import org.bollwerk.filter.FilterService;
import org.bollwerk.filter.SyncFilter;
import org.bollwerk.storage.StreamNotifier;
import org.bollwerk.storage.WakeKey;
import org.bollwerk.storage.StreamToken;
import org.bollwerk.userdata.PresenceService;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Long-poll loop of /sync. Builds a response for (since, watermark]; if it is empty, parks on the
 * notifier (keys: the user and each of their rooms) until a relevant commit or the timeout. No database
 * call happens while parked.
 */
@Service
class SyncService {
    private final StreamNotifier notifier;
    private final TypingService typing;
    private final FilterService filters;
    private final PresenceService presence;
    private final SyncResponseBuilder builder;
    private final E2eeSync e2ee;
    private final SyncAdmission admission;
    private final FirstIncrementalSync firstIncremental;

    SyncService(StreamNotifier notifier, TypingService typing, FilterService filters, PresenceService presence,
                SyncResponseBuilder builder, E2eeSync e2ee, SyncAdmission admission, FirstIncrementalSync firstIncremental) {
        this.firstIncremental = firstIncremental;
        this.e2ee = e2ee;
        this.admission = admission;
        this.notifier = notifier;
        this.typing = typing;
        this.filters = filters;
        this.presence = presence;
        this.builder = builder;
    }

    SyncResponse sync(Requester requester, String since, long timeoutMs, String filterParam, boolean fullState,
                      String setPresence) {
        if (firstIncremental.isFirstAfterInitial(requester.userId(), requester.deviceId(), since)) timeoutMs = 0;
        SyncFilter filter;
        StreamToken from;
        try (SyncAdmission.Permit permit = admission.enter()) {
            filter = filters.forSync(requester.userId(), filterParam);
            from = since == null ? null : StreamToken.parse(since);
            // After every check that can refuse the request. Omitted set_presence means online (spec); it also
            // tells the presence timeout that this user's app is alive.
            presence.setFromSync(requester.userId(), setPresence);
            // catchUp: a token from another node may be ahead of this node's watermark but committed (issue 9).
            if (from != null && from.position() > notifier.catchUp(from.position())) {
                from = new StreamToken(notifier.current(), from.typing());  // a token from the future: clamp, don't skip
            }
            // Syncing with a since proves the device got everything up to it: its to-device messages there can go.
            if (from != null) e2ee.acknowledge(requester.userId(), requester.deviceId(), from.position());
        }
        long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
        while (true) {
            SyncResponseBuilder.Result result;
            long upTo;
            long typingSerial;
            List<WakeKey> keys = new ArrayList<>();
            try (SyncAdmission.Permit permit = admission.enter()) {
                // Lowered only when more to-device messages wait than one response carries.
                upTo = e2ee.upTo(requester.userId(), requester.deviceId(), from == null ? 0 : from.position(),
                        notifier.current());
                typingSerial = typing.serial();
                result = builder.build(requester, from, upTo, typingSerial, filter, fullState);
                long remaining = deadline - System.nanoTime();
                if (from == null) {
                    firstIncremental.initialSyncAnswered(requester.userId(), requester.deviceId(), result.body().nextBatch());
                    return result.body();
                }
                if (fullState || result.hasContent() || remaining <= 0 || notifier.isShuttingDown()) {
                    return result.body();
                }
                // The rooms the build just read; a later membership change wakes the user key (EventWriter) anyway.
                keys.add(WakeKey.user(requester.userId()));
                for (String roomId : result.roomIds()) keys.add(WakeKey.room(roomId));
            }
            // Parked without a permit: only building takes one.
            try (StreamNotifier.Waiter waiter = notifier.register(keys)) {
                long remaining = deadline - System.nanoTime();
                if (notifier.current() == upTo && typing.serial() == typingSerial && remaining > 0) {
                    if (!waiter.await(Duration.ofNanos(remaining))) return result.body();
                }
            }
        }
    }
}
