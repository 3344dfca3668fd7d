package org.bollwerk.userdata;

import org.bollwerk.account.AccountEvents;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.storage.Db;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Display names and avatars of local users, and the tenant-scoped user directory. */
@Service
public class ProfileService {
    public static final int MAX_DISPLAYNAME_LENGTH = 256;
    public static final int MAX_AVATAR_URL_LENGTH = 1024;

    private final Db db;
    private final ProfileStore store;
    private final ApplicationEventPublisher events;

    ProfileService(Db db, ProfileStore store, ApplicationEventPublisher events) {
        this.db = db;
        this.store = store;
        this.events = events;
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
    }
}
