package org.bollwerk.bench;

import tools.jackson.databind.node.ObjectNode;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The storage limit: what the database alone accepts on this machine. The same rows a message send writes
 * (the stream counter bump with {@code RETURNING}, one {@code events} row with a real stored PDU of a bench
 * message as template) inserted straight through JDBC, in the server's schema, with the server's durability
 * settings, committing {@code batch} events per transaction as the group-commit writer does. Run after the
 * server has stopped, on its database, so nothing else competes.
 */
final class StorageLimit {

    private StorageLimit() {
    }

    static ObjectNode run(String url, String user, String password, int rows, int[] batches) throws SQLException {
        ObjectNode o = MatrixClient.JSON.createObjectNode();
        boolean sqlite = url.startsWith("jdbc:sqlite:");
        Properties props = new Properties();
        if (user != null && !user.isEmpty()) {
            props.setProperty("user", user);
        }
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(url, props)) {
            if (sqlite) {
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA journal_mode=WAL");
                    st.execute("PRAGMA busy_timeout=10000");
                    // synchronous comes from the URL (?synchronous=FULL), as in the server
                }
            }
            byte[] pdu;
            String room;
            String sender;
            String device;
            long depth;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT room_id, sender, txn_device, depth, pdu FROM events "
                         + "WHERE type = 'm.room.message' ORDER BY stream_ordering DESC LIMIT 1")) {
                if (!rs.next()) {
                    throw new SQLException("no m.room.message row to copy: run a send scenario first");
                }
                room = rs.getString(1);
                sender = rs.getString(2);
                device = rs.getString(3);
                depth = rs.getLong(4);
                pdu = rs.getBytes(5);
            }
            o.put("pdu_bytes", pdu.length);
            o.put("rows_per_batch_size", rows);
            c.setAutoCommit(false);
            String tag = Long.toString(System.nanoTime(), 36);
            for (int batch : batches) {
                long t0 = System.nanoTime();
                try (PreparedStatement bump = c.prepareStatement(
                        "UPDATE stream_counter SET position = position + 1 WHERE id = 1 RETURNING position");
                     PreparedStatement ins = c.prepareStatement("INSERT INTO events (stream_ordering, event_id, room_id, "
                             + "type, state_key, sender, origin_server_ts, depth, relates_to, rel_type, txn_device, txn_id, pdu) "
                             + "VALUES (?, ?, ?, 'm.room.message', NULL, ?, ?, ?, NULL, NULL, ?, ?, ?)")) {
                    for (int i = 0; i < rows; i++) {
                        long pos;
                        try (ResultSet rs = bump.executeQuery()) {
                            rs.next();
                            pos = rs.getLong(1);
                        }
                        ins.setLong(1, pos);
                        ins.setString(2, "$raw" + tag + "b" + batch + "n" + i);
                        ins.setString(3, room);
                        ins.setString(4, sender);
                        ins.setLong(5, System.currentTimeMillis());
                        ins.setLong(6, depth + i);
                        ins.setString(7, device);
                        ins.setString(8, "raw" + tag + "b" + batch + "n" + i);
                        ins.setBytes(9, pdu);
                        ins.executeUpdate();
                        if ((i + 1) % batch == 0 || i == rows - 1) {
                            c.commit();
                        }
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                o.put("batch_" + batch + "_rows_per_s", Stats.round(rows / secs, 0));
                System.err.printf("bench: storage limit: %d rows, %d per commit: %.0f rows/s%n", rows, batch, rows / secs);
            }
        }
        return o;
    }
}
