package org.bollwerk.calls;

import org.bollwerk.account.Requester;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TurnControllerTest {
    private static final Requester ALICE = new Requester("@alice:example.org", "DEV", "default", false, "h");

    @Test
    void withoutTurnConfiguredClientsGetAnEmptyObject() {
        var controller = new TurnController(new TurnProperties(List.of(), "", Duration.ofHours(1)));
        assertThat(controller.turnServer(ALICE)).isEmpty();
    }

    @Test
    void passwordIsTheBase64HmacSha1OfTheUserNameAsCoturnExpects() {
        // RFC 2202 test case 2: HMAC-SHA1("Jefe", "what do ya want for nothing?") = effcdf6ae5eb2fa2d27416d5f184df9c259a7c79
        assertThat(TurnCredentials.password("Jefe", "what do ya want for nothing?"))
                .isEqualTo("7/zfauXrL6LSdBbV8YTfnCWafHk=");
    }

    @Test
    void settingsRefuseUrisWithoutASecretAndNonTurnUris() {
        assertThatThrownBy(() -> new TurnProperties(List.of("turn:turn.example.org"), "", Duration.ofHours(1)))
                .hasMessageContaining("bollwerk.turn.shared-secret");
        assertThatThrownBy(() -> new TurnProperties(List.of("https://turn.example.org"), "s", Duration.ofHours(1)))
                .hasMessageContaining("bollwerk.turn.uris");
        assertThatThrownBy(() -> new TurnProperties(List.of(), "", Duration.ZERO))
                .hasMessageContaining("bollwerk.turn.ttl");
        assertThat(new TurnProperties(List.of("turn:t.example.org"), "hunter2", Duration.ofHours(1)).toString())
                .doesNotContain("hunter2");
    }
}
