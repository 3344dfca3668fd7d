package org.bollwerk.userdata;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.tenant.TenantIsolation;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /profile/...} and {@code /user_directory/search}. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class ProfileController {
    static final int DIRECTORY_DEFAULT_LIMIT = 10;
    static final int DIRECTORY_MAX_LIMIT = 50;

    private final ProfileService profiles;
    private final TenantIsolation isolation;

    ProfileController(ProfileService profiles, TenantIsolation isolation) {
        this.profiles = profiles;
        this.isolation = isolation;
    }

    @GetMapping("/profile/{userId}")
    Map<String, Object> profile(Requester requester, @PathVariable String userId) {
        Profile profile = lookup(requester, userId);
        Map<String, Object> body = new LinkedHashMap<>();
        if (profile.displayName() != null) body.put("displayname", profile.displayName());
        if (profile.avatarUrl() != null) body.put("avatar_url", profile.avatarUrl());
        profiles.customFields(userId).forEach(body::putIfAbsent);
        return body;
    }

    /** Any profile field (spec v1.16); {@code displayname} and {@code avatar_url} have their own routes above. */
    @GetMapping("/profile/{userId}/{keyName}")
    Map<String, Object> field(Requester requester, @PathVariable String userId, @PathVariable String keyName) {
        ProfileService.checkKeyName(keyName);
        lookup(requester, userId);
        return Map.of(keyName, profiles.customField(userId, keyName)
                .orElseThrow(() -> MatrixException.notFound("Profile field not found")));
    }

    /** Sets a custom field; the body holds exactly that key (extra keys are ignored, as for the classic fields). */
    @PutMapping("/profile/{userId}/{keyName}")
    Map<String, Object> setField(Requester requester, @PathVariable String userId, @PathVariable String keyName,
                                 @RequestBody(required = false) byte[] raw) {
        ProfileService.checkKeyName(keyName);
        ownOnly(requester, userId);
        ObjectNode body = Json.parseObject(raw);
        if (!body.has(keyName)) throw MatrixException.missingParam("Missing '" + keyName + "'");
        profiles.setCustomField(userId, keyName, body.get(keyName));
        return Map.of();
    }

    /** Removes a field; for {@code displayname} and {@code avatar_url} that clears them. 200 also when unset. */
    @DeleteMapping("/profile/{userId}/{keyName}")
    Map<String, Object> deleteField(Requester requester, @PathVariable String userId, @PathVariable String keyName) {
        ProfileService.checkKeyName(keyName);
        ownOnly(requester, userId);
        switch (keyName) {
            case ProfileService.DISPLAYNAME -> profiles.setDisplayName(userId, null);
            case ProfileService.AVATAR_URL -> profiles.setAvatarUrl(userId, null);
            default -> profiles.deleteCustomField(userId, keyName);
        }
        return Map.of();
    }

    @GetMapping("/profile/{userId}/displayname")
    Map<String, Object> displayName(Requester requester, @PathVariable String userId) {
        Profile profile = lookup(requester, userId);
        return profile.displayName() == null ? Map.of() : Map.of("displayname", profile.displayName());
    }

    @GetMapping("/profile/{userId}/avatar_url")
    Map<String, Object> avatarUrl(Requester requester, @PathVariable String userId) {
        Profile profile = lookup(requester, userId);
        return profile.avatarUrl() == null ? Map.of() : Map.of("avatar_url", profile.avatarUrl());
    }

    @PutMapping("/profile/{userId}/displayname")
    Map<String, Object> setDisplayName(Requester requester, @PathVariable String userId,
                                       @RequestBody(required = false) byte[] raw) {
        ownOnly(requester, userId);
        ObjectNode body = Json.parseObject(raw);
        if (!body.has("displayname")) throw MatrixException.missingParam("Missing 'displayname'");
        profiles.setDisplayName(userId, JsonBody.string(body, "displayname", false));
        return Map.of();
    }

    @PutMapping("/profile/{userId}/avatar_url")
    Map<String, Object> setAvatarUrl(Requester requester, @PathVariable String userId,
                                     @RequestBody(required = false) byte[] raw) {
        ownOnly(requester, userId);
        ObjectNode body = Json.parseObject(raw);
        if (!body.has("avatar_url")) throw MatrixException.missingParam("Missing 'avatar_url'");
        profiles.setAvatarUrl(userId, JsonBody.string(body, "avatar_url", false));
        return Map.of();
    }

    static final int MAX_SEARCH_TERM = 256;

    @PostMapping("/user_directory/search")
    Map<String, Object> search(Requester requester, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = Json.parseObject(raw);
        String term = JsonBody.string(body, "search_term", true);
        // a LIKE pattern has a length limit in SQLite (and costs on PostgreSQL); no name is this long anyway
        if (term.length() > MAX_SEARCH_TERM) {
            throw MatrixException.invalidParam("search_term is longer than " + MAX_SEARCH_TERM + " characters");
        }
        Long requested = JsonBody.integer(body, "limit");
        int limit = requested == null ? DIRECTORY_DEFAULT_LIMIT
                : (int) Math.max(1, Math.min(DIRECTORY_MAX_LIMIT, requested));
        String trimmed = term.strip();
        if (trimmed.isEmpty()) return Map.of("results", List.of(), "limited", false);
        List<String> visibleTenants = isolation.tenantsVisibleTo(requester.userId());
        List<ProfileService.DirectoryEntry> hits = profiles.search(visibleTenants, trimmed, limit + 1);
        List<Map<String, Object>> results = hits.stream().limit(limit).map(hit -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("user_id", hit.userId());
            if (hit.displayName() != null) entry.put("display_name", hit.displayName());
            if (hit.avatarUrl() != null) entry.put("avatar_url", hit.avatarUrl());
            return entry;
        }).toList();
        return Map.of("results", results, "limited", hits.size() > limit);
    }

    /**
     * The profile of a user of the requester's tenant or a partner tenant. Users of other tenants answer
     * exactly as users that do not exist (404), decided before anything is looked up: no existence oracle.
     */
    private Profile lookup(Requester requester, String userId) {
        UserId.parse(userId);
        Supplier<MatrixException> unknown = () -> MatrixException.notFound("Profile not found");
        isolation.seeUser(requester.userId(), userId).orElseThrow(unknown);
        profiles.tenantOf(userId).orElseThrow(unknown);
        return profiles.profile(userId).orElseThrow(unknown);
    }

    static void ownOnly(Requester requester, String userId) {
        if (!requester.userId().equals(userId)) throw MatrixException.forbidden("You may only change your own data");
    }
}
