package org.bollwerk.matrix.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import org.bollwerk.matrix.ErrCode;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class MembershipTest {

    @Test
    void parsesWireValues() {
        assertThat(Membership.fromValue("join")).isEqualTo(Membership.JOIN);
        assertThat(Membership.fromValue("knock")).isEqualTo(Membership.KNOCK);
        assertThat(Membership.BAN.value()).isEqualTo("ban");
        assertThat(Membership.LEAVE).hasToString("leave");
    }

    @Test
    void rejectsUnknownValuesAsBadJson() {
        assertMatrixError(ErrCode.M_BAD_JSON, () -> Membership.fromValue("JOIN"));
        assertMatrixError(ErrCode.M_BAD_JSON, () -> Membership.fromValue(null));
    }

    @Test
    void readsMembershipFromContent() {
        var factory = JsonNodeFactory.instance;
        assertThat(Membership.fromContent(null)).isNull();
        assertThat(Membership.fromContent(factory.objectNode().put("membership", "invite"))).isEqualTo(Membership.INVITE);
        assertMatrixError(ErrCode.M_BAD_JSON, () -> Membership.fromContent(factory.objectNode()));
        assertMatrixError(ErrCode.M_BAD_JSON, () -> Membership.fromContent(factory.objectNode().put("membership", 1)));
    }
}
