package org.bollwerk.userdata;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.WakeKey;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Global and per-room account data. Every write takes a stream position and wakes the user's syncs.
 * {@code m.push_rules} is kept here too (written by the push rules whenever they change) so that /sync
 * delivers it like any other account data.
 */
@Service
public class AccountDataService {
    public static final String PUSH_RULES = "m.push_rules";
    public static final String FULLY_READ = "m.fully_read";
    /** The "from" of an initial sync: everything, including the default push rules. */
    public static final long INITIAL = -1;
    static final Set<String> SERVER_CONTROLLED = Set.of(PUSH_RULES, FULLY_READ);
    static final int MAX_TYPE_LENGTH = 255;

    private final Db db;
    private final AccountDataStore store;
    private final PushRuleSets pushRules;

    AccountDataService(Db db, AccountDataStore store, PushRuleSets pushRules) {
        this.db = db;
        this.store = store;
        this.pushRules = pushRules;
    }

    /**
     * Global account data changed in (fromExclusive, toInclusive]. An initial sync passes
     * {@link #INITIAL}: then it always contains {@code m.push_rules}, computed from the defaults if the user
     * never changed a rule. (An incremental sync from position 0 must not repeat them.)
     */
    public List<AccountDataEntry> globalChanges(String userId, long fromExclusive, long toInclusive) {
        List<AccountDataEntry> entries = new ArrayList<>();
        boolean hasPushRules = false;
        for (AccountDataStore.Row row : store.changes(userId, true, fromExclusive, toInclusive)) {
            entries.add(new AccountDataEntry(row.type(), row.content()));
            hasPushRules |= PUSH_RULES.equals(row.type());
        }
        if (fromExclusive == INITIAL && !hasPushRules && store.get(userId, AccountDataStore.GLOBAL, PUSH_RULES).isEmpty()) {
            entries.add(new AccountDataEntry(PUSH_RULES, pushRules.accountDataContent(userId)));
        }
        return entries;
    }

    /** Room account data changed in (fromExclusive, toInclusive], by room ID. */
    public Map<String, List<AccountDataEntry>> roomChanges(String userId, long fromExclusive, long toInclusive) {
        Map<String, List<AccountDataEntry>> byRoom = new LinkedHashMap<>();
        for (AccountDataStore.Row row : store.changes(userId, false, fromExclusive, toInclusive)) {
            byRoom.computeIfAbsent(row.roomId(), room -> new ArrayList<>())
                    .add(new AccountDataEntry(row.type(), row.content()));
        }
        return byRoom;
    }

    public Optional<ObjectNode> global(String userId, String type) {
        Optional<ObjectNode> stored = store.get(userId, AccountDataStore.GLOBAL, type);
        if (stored.isEmpty() && PUSH_RULES.equals(type)) return Optional.of(pushRules.accountDataContent(userId));
        return stored;
    }

    public Optional<ObjectNode> room(String userId, String roomId, String type) {
        return store.get(userId, roomId, type);
    }

    /** Sets global account data as a client does: server-controlled types are refused. */
    public void putGlobal(String userId, String type, ObjectNode content) {
        checkClientType(type);
        write(userId, AccountDataStore.GLOBAL, type, content);
    }

    /** Sets room account data as a client does through the account data API. */
    void putRoomFromClient(String userId, String roomId, String type, ObjectNode content) {
        checkClientType(type);
        putRoom(userId, roomId, type, content);
    }

    /** Sets room account data of any type, e.g. {@code m.fully_read} from {@code /read_markers}. */
    public void putRoom(String userId, String roomId, String type, ObjectNode content) {
        RoomId.parse(roomId);
        checkType(type);
        write(userId, roomId, type, content);
    }

    /**
     * Reads, changes and writes back one room account data entry in a single write, so two concurrent
     * changes (room tags from two devices) both land. {@code change} gets a copy (an empty object if none).
     */
    public void updateRoom(String userId, String roomId, String type, java.util.function.UnaryOperator<ObjectNode> change) {
        RoomId.parse(roomId);
        checkType(type);
        db.write(() -> {
            // The position first: on PostgreSQL it takes the stream counter's row lock, so another node's
            // change of the same entry waits until this one commits instead of reading the same old value.
            long position = db.nextPosition();
            ObjectNode current = store.get(userId, roomId, type).map(ObjectNode::deepCopy)
                    .orElseGet(tools.jackson.databind.node.JsonNodeFactory.instance::objectNode);
            put(userId, roomId, type, change.apply(current), position);
        });
    }

    /** Writes the current push rule set as {@code m.push_rules}; called inside the push rule change. */
    void putPushRules(String userId, ObjectNode content) {
        write(userId, AccountDataStore.GLOBAL, PUSH_RULES, content);
    }

    private void write(String userId, String roomId, String type, ObjectNode content) {
        db.write(() -> put(userId, roomId, type, content, db.nextPosition()));
    }

    /** Stores an entry at {@code position} (inside a write) and wakes the user's long-polls after the commit. */
    private void put(String userId, String roomId, String type, ObjectNode content, long position) {
        store.put(userId, roomId, type, content, position);
        db.wakeAfterCommit(WakeKey.user(userId));
    }

    private static void checkClientType(String type) {
        checkType(type);
        if (SERVER_CONTROLLED.contains(type)) {
            throw new MatrixException(org.bollwerk.matrix.ErrCode.M_BAD_JSON, 405,
                    "Cannot set " + type + " through this API.", Map.of());
        }
    }

    private static void checkType(String type) {
        if (type == null || type.isEmpty() || type.length() > MAX_TYPE_LENGTH) {
            throw MatrixException.invalidParam("Invalid account data type");
        }
    }
}
