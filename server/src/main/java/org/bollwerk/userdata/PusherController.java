package org.bollwerk.userdata;

import org.bollwerk.account.AccountEvents;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.bollwerk.web.JsonBody;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /pushers} and {@code POST /pushers/set}. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class PusherController {
    static final int MAX_FIELD_LENGTH = 512;
    private final Db db;
    static final String NOTIFY_PATH = "/_matrix/push/v1/notify";
    private final PusherStore store;
    private final PushProperties push;

    PusherController(Db db, PusherStore store, PushProperties push) {
        this.db = db;
        this.store = store;
        this.push = push;
    }

    @GetMapping("/pushers")
    Map<String, Object> list(Requester requester) {
        List<Map<String, Object>> pushers = store.pushers(requester.userId()).stream().map(p -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("pushkey", p.pushkey());
            json.put("kind", p.kind());
            json.put("app_id", p.appId());
            json.put("app_display_name", p.appDisplayName());
            json.put("device_display_name", p.deviceDisplayName());
            if (p.profileTag() != null) json.put("profile_tag", p.profileTag());
            json.put("lang", p.lang());
            json.put("data", p.data());
            return json;
        }).toList();
        return Map.of("pushers", pushers);
    }

    @PostMapping("/pushers/set")
    Map<String, Object> set(Requester requester, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = Json.parseObject(raw);
        String pushkey = field(body, "pushkey", true);
        String appId = field(body, "app_id", true);
        JsonNode kindNode = body.get("kind");
        if (kindNode == null) throw MatrixException.missingParam("Missing 'kind'");
        if (kindNode.isNull()) {
            db.write(() -> store.delete(requester.userId(), appId, pushkey));
            return Map.of();
        }
        String kind = field(body, "kind", true);
        String appDisplayName = field(body, "app_display_name", true);
        String deviceDisplayName = field(body, "device_display_name", true);
        String lang = field(body, "lang", true);
        String profileTag = field(body, "profile_tag", false);
        ObjectNode data = JsonBody.object(body, "data", true);
        boolean append = JsonBody.bool(body, "append", false);
        if (kind.equals("http")) {
            JsonNode url = data.get("url");
            if (url == null || url.isNull()) throw MatrixException.missingParam("'data.url' is required for http pushers");
            if (!url.isString()) throw MatrixException.badJson("'data.url' must be a string");
            checkGateway(url.asString());
        }
        if (Json.write(data).length() > 4096) throw JsonBody.tooLarge("'data'");
        PusherStore.Pusher pusher = new PusherStore.Pusher(pushkey, kind, appId, appDisplayName, deviceDisplayName,
                profileTag, lang, data);
        db.write(() -> {
            if (!append) store.deleteOfOtherUsers(requester.userId(), appId, pushkey);
            store.upsert(requester.userId(), requester.deviceId(), pusher, System.currentTimeMillis());
        });
        return Map.of();
    }

    /**
     * Pushes leave the server only for gateways the operator listed; the spec's path is required so that a
     * pusher cannot point at any other endpoint of an allowed host.
     */
    private void checkGateway(String url) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw MatrixException.invalidParam("'data.url' is not a URL");
        }
        if (!NOTIFY_PATH.equals(uri.getPath()) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw MatrixException.invalidParam("'data.url' must be a push gateway URL ending in " + NOTIFY_PATH);
        }
        if (!push.allows(url)) {
            throw MatrixException.invalidParam("This server does not send pushes to " + uri.getScheme() + "://"
                    + uri.getAuthority() + ": the push gateway is not in " + PushProperties.ALLOWED_GATEWAYS_SETTING);
        }
    }

    @EventListener
    void on(AccountEvents.AccountDeactivated deactivated) {
        store.deleteAll(deactivated.userId());
    }

    /** A deleted device (logout, remote wipe of a lost phone) gets no more pushes. */
    @EventListener
    void on(AccountEvents.DeviceDeleted deleted) {
        store.deleteOfDevice(deleted.userId(), deleted.deviceId());
    }

    /** A locked account gets no pushes; its apps register again after it is unlocked and they sign in. */
    @EventListener
    void on(AccountEvents.AccountLocked locked) {
        store.deleteAll(locked.userId());
    }

    private static String field(ObjectNode body, String name, boolean required) {
        String value = JsonBody.string(body, name, required);
        if (value != null && value.length() > MAX_FIELD_LENGTH) {
            throw MatrixException.invalidParam("'" + name + "' is too long");
        }
        return value;
    }
}
