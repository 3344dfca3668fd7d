package org.bollwerk.userdata;

import org.bollwerk.account.Requester;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/**
 * Endpoints clients call at start-up that Bollwerk answers with "nothing": no third-party protocol
 * bridges, and no notification history (pushes are never sent: the server makes no outbound connections).
 */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class MiscController {

    @GetMapping("/thirdparty/protocols")
    Map<String, Object> protocols(Requester requester) {
        return Map.of();
    }

    @GetMapping("/notifications")
    Map<String, Object> notifications(Requester requester, @RequestParam(required = false) String from,
                                      @RequestParam(required = false) Integer limit,
                                      @RequestParam(required = false) String only) {
        return Map.of("notifications", List.of());
    }
}
