package org.bollwerk.userdata;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The HTTP pushers other features deliver to (the push module); stored and listed by {@link PusherController}. */
@Service
public class Pushers {
    private final Db db;
    private final PusherStore store;

    Pushers(Db db, PusherStore store) {
        this.db = db;
        this.store = store;
    }

    /**
     * One HTTP pusher. {@code data} is the pusher's data without {@code url}, as gateways receive it;
     * {@code createdAt} is when it was set (ms), {@code pushkeyTs()} the same in seconds, as gateways get it.
     */
    public record HttpPusher(String userId, String appId, String pushkey, String url, ObjectNode data,
                             long createdAt, String profileTag) {
        public long pushkeyTs() {
            return createdAt / 1000;
        }
    }

    /** The HTTP pushers of these users. */
    public List<HttpPusher> httpPushers(Collection<String> userIds) {
        return store.httpPushers(userIds);
    }

    public Optional<HttpPusher> httpPusher(String userId, String appId, String pushkey) {
        return store.httpPushers(List.of(userId)).stream()
                .filter(p -> p.appId().equals(appId) && p.pushkey().equals(pushkey)).findFirst();
    }

    /** The gateway said the pushkey is no longer valid ({@code rejected}): the spec says to remove the pusher. */
    public void removeRejected(String userId, String appId, String pushkey) {
        db.write(() -> store.delete(userId, appId, pushkey));
    }
}
