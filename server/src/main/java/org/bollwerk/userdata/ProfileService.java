package org.bollwerk.userdata;

import org.bollwerk.account.AccountEvents;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.storage.Db;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Display names and avatars of local users, and the tenant-scoped user directory. */
@Service
public class ProfileService {
    public static final int MAX_DISPLAYNAME_LENGTH = 256;
    public static final int MAX_AVATAR_URL_LENGTH = 1024;

    /** The spec's limit for a whole profile (display name, avatar and every custom field). */
    public static final int MAX_PROFILE_BYTES = 64 * 1024;
    /** The spec's limit for a profile key (M_KEY_TOO_LARGE). */
    public static final int MAX_KEY_BYTES = 255;
    /** Key names the spec allows: the two classic ones, {@code m.tz}, or a namespaced identifier. */
    private static final java.util.regex.Pattern KEY_NAME =
            java.util.regex.Pattern.compile("avatar_url|displayname|m\\.tz|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
    static final String DISPLAYNAME = "displayname";
    static final String AVATAR_URL = "avatar_url";
    static final String TIME_ZONE = "m.tz";

    private final Db db;
    private final ProfileStore store;
    private final ProfileFieldStore fields;
    private final ApplicationEventPublisher events;

    ProfileService(Db db, ProfileStore store, ProfileFieldStore fields, ApplicationEventPublisher events) {
        this.db = db;
        this.store = store;
        this.fields = fields;
        this.events = events;
    }

    /** The custom fields ({@code m.tz}, namespaced keys) of a user's profile, by key. */
    public java.util.Map<String, JsonNode> customFields(String userId) {
        return fields.all(userId);
    }

    /** One custom field, empty when the user has not set it. */
    Optional<JsonNode> customField(String userId, String key) {
        return fields.get(userId, key);
    }

    /**
     * Checks a key name from a path: at most {@value #MAX_KEY_BYTES} bytes ({@code M_KEY_TOO_LARGE}), and of the
     * spec's grammar ({@code M_INVALID_PARAM}).
     */
    static void checkKeyName(String key) {
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new MatrixException(org.bollwerk.matrix.ErrCode.M_KEY_TOO_LARGE, "Profile key is longer than 255 bytes");
        }
        if (!KEY_NAME.matcher(key).matches()) throw MatrixException.invalidParam("Invalid profile key");
    }

    /**
     * Sets a custom field to any JSON value ({@code m.tz}: a string). The whole profile stays under
     * {@value #MAX_PROFILE_BYTES} bytes of JSON ({@code M_PROFILE_TOO_LARGE}, nothing changed).
     */
    void setCustomField(String userId, String key, JsonNode value) {
        checkKeyName(key);
        if (DISPLAYNAME.equals(key) || AVATAR_URL.equals(key)) throw new IllegalArgumentException(key);
        if (TIME_ZONE.equals(key) && !value.isString()) throw MatrixException.invalidParam("m.tz must be a string");
        String json = org.bollwerk.matrix.json.Json.write(value);
        int bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        db.write(() -> {
            ProfileStore.Row row = existing(userId);
            long total = fields.bytesExcept(userId, key) + key.length() + bytes + classicBytes(row);
            if (total > MAX_PROFILE_BYTES) {
                throw new MatrixException(org.bollwerk.matrix.ErrCode.M_PROFILE_TOO_LARGE,
                        "The profile would be larger than 64 KiB");
            }
            fields.put(userId, row.tenantId(), key, json, bytes);
        });
    }

    /** Removes a custom field; nothing happens when it was not set. */
    void deleteCustomField(String userId, String key) {
        checkKeyName(key);
        db.write(() -> {
            existing(userId);
            fields.delete(userId, key);
        });
    }

    private static long classicBytes(ProfileStore.Row row) {
        long bytes = 0;
        if (row.displayName() != null) bytes += DISPLAYNAME.length() + row.displayName().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (row.avatarUrl() != null) bytes += AVATAR_URL.length() + row.avatarUrl().length();
        return bytes;
    }

    /** The profile of a local user, empty if there is no such user. */
    public Optional<Profile> profile(String userId) {
        return store.row(userId).map(row -> new Profile(row.displayName(), row.avatarUrl()));
    }

    /** The tenant of a local user, empty if there is no such user. */
    public Optional<String> tenantOf(String userId) {
        return store.row(userId).map(ProfileStore.Row::tenantId);
    }

    /** Sets (or with null/empty clears) the display name; publishes {@link ProfileChanged} if it changed. */
    public void setDisplayName(String userId, String displayName) {
        String value = displayName == null || displayName.isEmpty() ? null : displayName;
        if (value != null && value.length() > MAX_DISPLAYNAME_LENGTH) {
            throw MatrixException.invalidParam("displayname is longer than " + MAX_DISPLAYNAME_LENGTH + " characters");
        }
        if (value != null && value.indexOf('\0') >= 0) { // PostgreSQL text cannot hold NUL: was a 500 there
            throw MatrixException.invalidParam("displayname must not contain NUL");
        }
        db.write(() -> {
            ProfileStore.Row row = existing(userId);
            if (Objects.equals(row.displayName(), value)) return;
            store.setDisplayName(userId, value);
            events.publishEvent(new ProfileChanged(userId, value, row.avatarUrl()));
        });
    }

    /** Sets (or with null/empty clears) the avatar; it must be an {@code mxc://} URI. */
    public void setAvatarUrl(String userId, String avatarUrl) {
        String value = avatarUrl == null || avatarUrl.isEmpty() ? null : avatarUrl;
        if (value != null && (!value.startsWith("mxc://") || value.length() > MAX_AVATAR_URL_LENGTH
                || value.length() <= "mxc://".length())) {
            throw MatrixException.invalidParam("avatar_url must be an mxc:// URI");
        }
        db.write(() -> {
            ProfileStore.Row row = existing(userId);
            if (Objects.equals(row.avatarUrl(), value)) return;
            store.setAvatarUrl(userId, value);
            events.publishEvent(new ProfileChanged(userId, row.displayName(), value));
        });
    }

    private ProfileStore.Row existing(String userId) {
        return store.row(userId).orElseThrow(() -> MatrixException.notFound("Profile not found"));
    }

    /** A user directory hit. */
    public record DirectoryEntry(String userId, String displayName, String avatarUrl) {
    }

    /** Searches active users of the tenants by localpart or display name; one more than {@code limit} means "limited". */
    List<DirectoryEntry> search(List<String> tenantIds, String term, int limit) {
        return store.search(tenantIds, term, limit).stream()
                .map(hit -> new DirectoryEntry(hit.userId(), hit.displayName(), hit.avatarUrl())).toList();
    }

    @EventListener
    void on(AccountEvents.AccountCreated created) {
        String localpart = created.userId().substring(1, created.userId().indexOf(':'));
        String name = created.displayName();
        if (name != null && name.length() > MAX_DISPLAYNAME_LENGTH) name = name.substring(0, MAX_DISPLAYNAME_LENGTH);
        store.insert(created.userId(), created.tenantId(), localpart, name);
    }

    @EventListener
    void on(AccountEvents.AccountDeactivated deactivated) {
        store.deactivate(deactivated.userId(), deactivated.erase());
        if (deactivated.erase()) fields.deleteAll(deactivated.userId());
    }
}
