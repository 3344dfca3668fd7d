package org.bollwerk.calls;

import org.bollwerk.account.Requester;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** MSC4143's transport discovery: where Element Call finds the organisation's LiveKit focus. */
@RestController
class RtcTransportsController {
    private final LiveKitProperties liveKit;

    RtcTransportsController(LiveKitProperties liveKit) {
        this.liveKit = liveKit;
    }

    @GetMapping("/_matrix/client/unstable/org.matrix.msc4143/rtc/transports")
    Map<String, Object> transports(Requester requester) {
        return Map.of("rtc_transports", liveKit.foci());
    }
}
