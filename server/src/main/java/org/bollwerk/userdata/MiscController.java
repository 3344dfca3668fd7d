package org.bollwerk.userdata;

import org.bollwerk.account.Requester;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * Endpoints clients call at start-up that Bollwerk answers with "nothing": no third-party protocol
 * bridges. ({@code /notifications} is the push module's.)
 */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class MiscController {

    @GetMapping("/thirdparty/protocols")
    Map<String, Object> protocols(Requester requester) {
        return Map.of();
    }
}
