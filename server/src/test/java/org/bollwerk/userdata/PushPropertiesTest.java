package org.bollwerk.userdata;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PushPropertiesTest {
    private static PushProperties allowing(String... gateways) {
        return new PushProperties(List.of(gateways), Duration.ofHours(1), 8, Duration.ofSeconds(10));
    }

    @Test
    void nothingIsAllowedByDefault() {
        assertThat(allowing().allows("https://push.example.org/_matrix/push/v1/notify")).isFalse();
        assertThat(allowing(" ", "").allowedGateways()).isEmpty();
    }

    @Test
    void aGatewayIsAllowedOnlyUnderTheSameSchemeHostPortAndPath() {
        PushProperties props = allowing("https://push.example.org/_matrix/push/");
        assertThat(props.allows("https://push.example.org/_matrix/push/v1/notify")).isTrue();
        assertThat(props.allows("https://PUSH.example.org:443/_matrix/push/v1/notify")).isTrue();
        assertThat(props.allows("http://push.example.org/_matrix/push/v1/notify")).isFalse();
        assertThat(props.allows("https://push.example.org:8443/_matrix/push/v1/notify")).isFalse();
        assertThat(props.allows("https://push.example.org/other/_matrix/push/v1/notify")).isFalse();
    }

    @Test
    void aLookalikeHostOrCredentialsInTheUrlDoNotPassAsThePrefix() {
        PushProperties props = allowing("https://push.example.org");
        assertThat(props.allows("https://push.example.org.evil.net/_matrix/push/v1/notify")).isFalse();
        assertThat(props.allows("https://push.example.org@evil.net/_matrix/push/v1/notify")).isFalse();
        assertThat(props.allows("https://user@push.example.org/_matrix/push/v1/notify")).isFalse();
        assertThat(props.allows("not a url")).isFalse();
    }

    @Test
    void anEntryThatIsNotAnHttpUrlStopsTheStart() {
        assertThatThrownBy(() -> allowing("ftp://push.example.org")).hasMessageContaining("bollwerk.push.allowed-gateways");
        assertThatThrownBy(() -> allowing("push.example.org")).hasMessageContaining("bollwerk.push.allowed-gateways");
    }
}
