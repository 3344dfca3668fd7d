package org.bollwerk.cluster;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.Dialect;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Messages between the nodes that share one PostgreSQL database, over {@code LISTEN/NOTIFY}. One
 * dedicated connection (outside the pool) listens and is re-opened after any failure; after a
 * re-connect every subscriber is told to {@linkplain Subscriber#resynchronise() resynchronise}, since
 * notifications sent meanwhile are lost. Sending goes through the pool ({@code pg_notify}), so a
 * message is delivered once the sending statement commits. A node ignores its own messages.
 * On SQLite there is one node: {@link #publish} does nothing and no connection is opened.
 */
@Component
public class ClusterBus implements DisposableBean {
    /** PostgreSQL refuses payloads of 8000 bytes or more; leave room for topic and node id. */
    public static final int MAX_BODY_BYTES = 7800;
    private static final Logger log = LoggerFactory.getLogger(ClusterBus.class);
    private static final long POLL_MS = 1000;
    private static final long PING_EVERY_MS = 10_000;

    /** Receives the messages of one topic that arrived together, in order. */
    public interface Subscriber {
        void received(List<String> bodies);

        /** The listening connection was (re-)established: messages may have been missed. */
        default void resynchronise() {
        }

        /** Called about once a second on the listening thread; for periodic catch-up checks. */
        default void tick() {
        }
    }

    private record Subscription(String topic, Subscriber subscriber) {
    }

    private final Db db;
    private final NodeId nodeId;
    private final BollwerkProperties.Database settings;
    private final boolean clustered;
    private final String channel;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile boolean listening;
    private final Thread listener;

    ClusterBus(Db db, NodeId nodeId, BollwerkProperties props) {
        this.db = db;
        this.nodeId = nodeId;
        this.settings = props.database();
        this.clustered = db.dialect() == Dialect.POSTGRESQL;
        // Channels are database-wide; one per schema keeps separate installations (and test schemas) apart.
        this.channel = clustered ? channelFor(db.sql().sql("SELECT current_schema()").query(String.class).single()) : "";
        this.listener = clustered ? Thread.ofPlatform().name("bollwerk-cluster-listen").daemon().start(this::listenLoop) : null;
        if (clustered) log.info("Cluster node {} listening on PostgreSQL channel {}", nodeId, channel);
    }

    static String channelFor(String schema) {
        String clean = (schema == null ? "public" : schema).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String name = "bollwerk_" + clean;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** Names the listening connection in pg_stat_activity, so an operator sees which node it belongs to. */
    static String applicationName(String nodeId) {
        String name = "bollwerk-listen-" + nodeId;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** Whether other nodes may exist (PostgreSQL). */
    public boolean isClustered() {
        return clustered;
    }

    /** Whether the listening connection is up now (always true on SQLite). */
    public boolean isListening() {
        return !clustered || listening;
    }

    public void subscribe(String topic, Subscriber subscriber) {
        subscriptions.add(new Subscription(topic, subscriber));
    }

    /**
     * Sends {@code body} to every other node's subscribers of {@code topic}. Bodies over
     * {@link #MAX_BODY_BYTES} are refused: callers send something shorter (e.g. "wake all").
     */
    public void publish(String topic, String body) {
        if (!clustered) return;
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("cluster message too long for NOTIFY");
        }
        db.sql().sql("SELECT pg_notify(?, ?)").params(channel, topic + "\n" + nodeId.value() + "\n" + body)
                .query().listOfRows();
    }

    private void listenLoop() {
        long backoffMs = 100;
        while (running) {
            try (Connection connection = open()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN \"" + channel + "\"");
                }
                listening = true;
                backoffMs = 100;
                subscriptions.forEach(s -> safely(() -> s.subscriber().resynchronise()));
                receive(connection);
            } catch (SQLException | RuntimeException e) {
                if (!running) break;
                log.warn("Cluster listen connection failed ({}); reconnecting in {} ms", e.getMessage(), backoffMs);
            } finally {
                listening = false;
            }
            sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, 5000);
        }
    }

    private Connection open() throws SQLException {
        Properties info = new Properties();
        if (!settings.user().isEmpty()) info.setProperty("user", settings.user());
        if (!settings.password().isEmpty()) info.setProperty("password", settings.password());
        info.setProperty("tcpKeepAlive", "true");
        info.setProperty("socketTimeout", "30");
        info.setProperty("ApplicationName", applicationName(nodeId.value()));
        Connection connection = DriverManager.getConnection(settings.url(), info);
        connection.setAutoCommit(true);
        return connection;
    }

    private void receive(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long lastPing = System.currentTimeMillis();
        while (running) {
            PGNotification[] notifications = pg.getNotifications((int) POLL_MS);
            if (notifications != null && notifications.length > 0) dispatch(notifications);
            subscriptions.forEach(s -> safely(() -> s.subscriber().tick()));
            if (System.currentTimeMillis() - lastPing > PING_EVERY_MS) {
                // A silent channel must not hide a dead connection: a query fails fast when it is gone.
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT 1");
                }
                lastPing = System.currentTimeMillis();
            }
        }
    }

    private void dispatch(PGNotification[] notifications) {
        Map<String, List<String>> byTopic = new HashMap<>();
        for (PGNotification n : notifications) {
            String payload = n.getParameter();
            int first = payload.indexOf('\n');
            int second = first < 0 ? -1 : payload.indexOf('\n', first + 1);
            if (second < 0) continue;  // not ours
            if (payload.substring(first + 1, second).equals(nodeId.value())) continue;  // our own
            byTopic.computeIfAbsent(payload.substring(0, first), t -> new ArrayList<>()).add(payload.substring(second + 1));
        }
        for (Subscription s : subscriptions) {
            List<String> bodies = byTopic.get(s.topic());
            if (bodies != null) safely(() -> s.subscriber().received(bodies));
        }
    }

    private void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            // during an orderly shutdown the pool may close under a handler: expected, not worth a stack trace
            if (!running) log.debug("Cluster message handler stopped by the shutdown: {}", e.toString());
            else log.warn("Cluster message handler failed", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void destroy() {
        running = false;
        if (listener == null) return;
        listener.interrupt();
        // Wait for the loop to leave its handlers before the pool (destroyed after this bean) closes under them.
        try {
            listener.join(POLL_MS + 2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
