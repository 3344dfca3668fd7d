package org.bollwerk.e2ee;

import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * What /sync needs from this feature: to-device messages (acknowledged by the next {@code since}),
 * device-list changes, one-time key counts and unused fallback key types.
 */
@Service
public class E2eeSync {
    private final ToDeviceService toDevice;
    private final DeviceLists deviceLists;
    private final KeyService keys;

    E2eeSync(ToDeviceService toDevice, DeviceLists deviceLists, KeyService keys) {
        this.toDevice = toDevice;
        this.deviceLists = deviceLists;
        this.keys = keys;
    }

    /**
     * Call once per /sync request that has a {@code since}: the device has received everything up to
     * it, so to-device messages at or below it are deleted.
     */
    public void acknowledge(String userId, String deviceId, long sincePosition) {
        toDevice.acknowledge(userId, deviceId, sincePosition);
    }

    /** The highest position a sync may serve so it carries a bounded number of to-device messages. */
    public long upTo(String userId, String deviceId, long sincePosition, long upTo) {
        return toDevice.deliverableUpTo(userId, deviceId, sincePosition, upTo);
    }

    /**
     * The e2ee part of one sync response for (since, upTo]; {@code since} null for an initial sync. The sync
     * module turns it into the typed top-level fields to_device, device_lists, device_one_time_keys_count and
     * device_unused_fallback_key_types.
     */
    public record Part(List<ObjectNode> toDevice, List<String> changed, List<String> left,
                       Map<String, Integer> oneTimeKeyCounts, List<String> unusedFallbackKeyTypes) {

        public boolean hasContent() {
            return !toDevice.isEmpty() || !changed.isEmpty() || !left.isEmpty();
        }
    }

    public Part forSync(String userId, String deviceId, Long since, long upTo) {
        DeviceLists.Changes changes = since == null ? new DeviceLists.Changes(List.of(), List.of())
                : deviceLists.between(userId, since, upTo);
        return new Part(toDevice.pending(userId, deviceId, upTo), changes.changed(), changes.left(),
                keys.oneTimeKeyCounts(userId, deviceId), keys.unusedFallbackKeyTypes(userId, deviceId));
    }
}
