package org.bollwerk.room;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.crypto.EventSigner;
import org.bollwerk.matrix.crypto.SigningKey;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server's Ed25519 key that signs every event it creates, generated on first start and kept in the
 * database, so events stay verifiable when federation arrives.
 */
@Component
class ServerSigningKey {
    private final SigningKey key;
    private final String serverName;

    ServerSigningKey(Db db, BollwerkProperties props) {
        this.serverName = props.serverName();
        this.key = db.write(() -> db.sql().sql("SELECT key_id, seed FROM server_keys ORDER BY created_ts LIMIT 1")
                .query((rs, n) -> SigningKey.fromSeed(rs.getString(1), rs.getString(2)))
                .optional()
                .orElseGet(() -> {
                    SigningKey fresh = SigningKey.generate();
                    db.sql().sql("INSERT INTO server_keys (key_id, seed, created_ts) VALUES (?, ?, ?)")
                            .params(fresh.keyId(), fresh.seedBase64(), System.currentTimeMillis()).update();
                    return fresh;
                }));
    }

    void sign(ObjectNode pdu, org.bollwerk.matrix.RoomVersion version) {
        EventSigner.signEvent(pdu, version, serverName, key);
    }
}
