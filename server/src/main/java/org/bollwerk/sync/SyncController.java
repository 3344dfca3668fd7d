package org.bollwerk.sync;

import org.bollwerk.account.Requester;
import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.MatrixException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class SyncController {
    private final SyncService sync;
    private final long maxTimeoutMs;

    SyncController(SyncService sync, BollwerkProperties props) {
        this.sync = sync;
        this.maxTimeoutMs = props.sync().maxTimeoutMs();
    }

    @GetMapping("/sync")
    SyncResponse sync(Requester requester, @RequestParam(required = false) String since,
                      @RequestParam(required = false) String timeout,
                      @RequestParam(required = false) String filter,
                      @RequestParam(name = "full_state", defaultValue = "false") String fullState,
                      @RequestParam(name = "set_presence", required = false) String setPresence) {
        long timeoutMs = 0;
        if (timeout != null) {
            try {
                timeoutMs = Math.max(0, Math.min(Long.parseLong(timeout), maxTimeoutMs));
            } catch (NumberFormatException e) {
                throw MatrixException.invalidParam("timeout must be an integer");
            }
        }
        if (setPresence != null && !java.util.List.of("online", "offline", "unavailable").contains(setPresence)) {
            throw MatrixException.invalidParam("set_presence must be online, offline or unavailable");
        }
        if (!fullState.equals("true") && !fullState.equals("false")) {
            throw MatrixException.invalidParam("full_state must be true or false");
        }
        return sync.sync(requester, since, timeoutMs, filter, fullState.equals("true"), setPresence);
    }
}
