package org.bollwerk.account;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/**
 * Third-party identifiers (e-mail addresses, phone numbers) stay out by design: Bollwerk stores none, sends no
 * mail or SMS and binds nothing at identity servers (accounts come from the organisation, not from an address;
 * see docs/client-api.md). The account has no 3PIDs, and every request to add, bind, remove or verify one — or
 * to register or reset a password through one — answers 403 {@code M_THREEPID_DENIED}, the spec's error for a
 * homeserver that does not allow the identifier, the same for every medium and address, so nothing is learnt
 * about accounts. {@code /capabilities} says {@code m.3pid_changes: false}, so clients hide these screens.
 */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class ThirdPartyIdController {

    @GetMapping("/account/3pid")
    Map<String, Object> threepids(Requester requester) {
        return Map.of("threepids", List.of());
    }

    /** Changes to the account's 3PIDs: authenticated, as the spec says, then refused. */
    @PostMapping({"/account/3pid", "/account/3pid/add", "/account/3pid/bind", "/account/3pid/delete",
            "/account/3pid/unbind"})
    Map<String, Object> change(Requester requester) {
        throw denied();
    }

    /** Validation e-mails and SMS: none are ever sent. */
    @PostMapping({"/account/3pid/email/requestToken", "/account/3pid/msisdn/requestToken",
            "/register/email/requestToken", "/register/msisdn/requestToken",
            "/account/password/email/requestToken", "/account/password/msisdn/requestToken"})
    Map<String, Object> requestToken() {
        throw denied();
    }

    private static MatrixException denied() {
        return new MatrixException(ErrCode.M_THREEPID_DENIED,
                "This server does not use e-mail addresses or phone numbers (third-party identifiers)");
    }
}
