package org.bollwerk.calls;

import org.bollwerk.account.Requester;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.util.Map;

/** {@code GET /voip/turnServer}: where clients relay call media, with credentials only they can use for a while. */
@RestController
class TurnController {
    private final TurnProperties turn;
    private final Clock clock;

    TurnController(TurnProperties turn) {
        this.turn = turn;
        this.clock = Clock.systemUTC();
    }

    @GetMapping({"/_matrix/client/v3/voip/turnServer", "/_matrix/client/r0/voip/turnServer"})
    Map<String, Object> turnServer(Requester requester) {
        if (!turn.enabled()) return Map.of();  // as Synapse: no TURN configured, clients fall back to STUN/direct
        var credential = TurnCredentials.issue(turn.sharedSecret(), requester.userId(),
                clock.instant().plus(turn.ttl()));
        return Map.of("username", credential.username(), "password", credential.password(),
                "uris", turn.uris(), "ttl", turn.ttl().toSeconds());
    }
}
