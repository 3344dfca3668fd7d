package org.bollwerk.matrix.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.json.CanonicalJson;
import org.bollwerk.matrix.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class RedactionTest {

    private static ObjectNode json(String text) {
        return Json.parseObject(text.replace('\'', '"').getBytes(UTF_8));
    }

    private static String redacted(String event, RoomVersion version) {
        return CanonicalJson.encodeToString(Redaction.redact(json(event), version));
    }

    private static final String ENVELOPE = "'event_id':'$e','room_id':'!r:x','sender':'@u:x','origin':'x',"
            + "'origin_server_ts':1,'depth':2,'prev_events':['$p'],'auth_events':['$a'],'hashes':{'sha256':'h'},"
            + "'signatures':{'x':{'ed25519:1':'s'}},'unsigned':{'age':5},'membership':'join','prev_state':[],"
            + "'redacts':'$z','extra':true";

    @Test
    void versionTenKeepsOriginMembershipAndPrevStateAtTopLevel() {
        String out = redacted("{" + ENVELOPE + ",'type':'m.room.message','content':{'body':'hi'}}", RoomVersion.V10);
        assertThat(out).isEqualTo(canonical("{'auth_events':['$a'],'content':{},'depth':2,'event_id':'$e',"
                + "'hashes':{'sha256':'h'},'membership':'join','origin':'x','origin_server_ts':1,'prev_events':['$p'],"
                + "'prev_state':[],'room_id':'!r:x','sender':'@u:x','signatures':{'x':{'ed25519:1':'s'}},"
                + "'type':'m.room.message'}"));
    }

    @Test
    void versionElevenDropsOriginMembershipAndPrevState() {
        String out = redacted("{" + ENVELOPE + ",'type':'m.room.message','content':{'body':'hi'}}", RoomVersion.V11);
        assertThat(out).isEqualTo(canonical("{'auth_events':['$a'],'content':{},'depth':2,'event_id':'$e',"
                + "'hashes':{'sha256':'h'},'origin_server_ts':1,'prev_events':['$p'],'room_id':'!r:x','sender':'@u:x',"
                + "'signatures':{'x':{'ed25519:1':'s'}},'type':'m.room.message'}"));
    }

    @Test
    void keepsStateKeyAndStripsUnsignedAndUnknownKeys() {
        ObjectNode out = Redaction.redact(json("{'type':'m.room.topic','state_key':'','content':{'topic':'t'},"
                + "'unsigned':{},'redacts':'$x','foo':1}"), RoomVersion.V11);
        assertThat(out.propertyNames()).containsExactlyInAnyOrder("type", "state_key", "content");
        assertThat(out.get("content").isEmpty()).isTrue();
    }

    @Test
    void memberEventsKeepMembershipAndAuthorisingServer() {
        String event = "{'type':'m.room.member','state_key':'@u:x','content':{'membership':'join',"
                + "'displayname':'U','avatar_url':'mxc://x/y','join_authorised_via_users_server':'@a:x',"
                + "'third_party_invite':{'display_name':'d','signed':{'mxid':'@u:x','token':'t'}}}}";
        assertThat(content(event, RoomVersion.V10))
                .isEqualTo(canonical("{'join_authorised_via_users_server':'@a:x','membership':'join'}"));
        assertThat(content(event, RoomVersion.V11)).isEqualTo(canonical("{'join_authorised_via_users_server':'@a:x',"
                + "'membership':'join','third_party_invite':{'signed':{'mxid':'@u:x','token':'t'}}}"));
    }

    @Test
    void memberEventsWithoutSignedThirdPartyInviteKeepNoInvite() {
        String event = "{'type':'m.room.member','content':{'membership':'invite','third_party_invite':{'display_name':'d'}}}";
        assertThat(content(event, RoomVersion.V11)).isEqualTo("{\"membership\":\"invite\"}");
    }

    @Test
    void createEventsKeepOnlyCreatorInTenButEverythingInEleven() {
        String event = "{'type':'m.room.create','state_key':'','content':{'creator':'@u:x','room_version':'10',"
                + "'m.federate':false,'predecessor':{'room_id':'!o:x'}}}";
        assertThat(content(event, RoomVersion.V10)).isEqualTo("{\"creator\":\"@u:x\"}");
        assertThat(content(event, RoomVersion.V11)).isEqualTo(canonical("{'creator':'@u:x','m.federate':false,"
                + "'predecessor':{'room_id':'!o:x'},'room_version':'10'}"));
    }

    @Test
    void joinRulesKeepJoinRuleAndAllow() {
        String event = "{'type':'m.room.join_rules','content':{'join_rule':'restricted','allow':[{'type':'m.room_membership'}],'x':1}}";
        for (RoomVersion v : RoomVersion.values()) {
            assertThat(content(event, v)).isEqualTo(canonical("{'allow':[{'type':'m.room_membership'}],'join_rule':'restricted'}"));
        }
    }

    @Test
    void powerLevelsKeepInviteOnlyInEleven() {
        String event = "{'type':'m.room.power_levels','content':{'ban':1,'events':{'a':2},'events_default':3,"
                + "'invite':4,'kick':5,'redact':6,'state_default':7,'users':{'@u:x':8},'users_default':9,"
                + "'notifications':{'room':10}}}";
        String common = "'ban':1,'events':{'a':2},'events_default':3,'kick':5,'redact':6,'state_default':7,"
                + "'users':{'@u:x':8},'users_default':9";
        assertThat(content(event, RoomVersion.V10)).isEqualTo(canonical("{" + common + "}"));
        assertThat(content(event, RoomVersion.V11)).isEqualTo(canonical("{" + common + ",'invite':4}"));
    }

    @Test
    void historyVisibilityKeepsItsKey() {
        String event = "{'type':'m.room.history_visibility','content':{'history_visibility':'shared','x':1}}";
        assertThat(content(event, RoomVersion.V10)).isEqualTo("{\"history_visibility\":\"shared\"}");
    }

    @Test
    void redactionEventsKeepRedactsInContentOnlyInEleven() {
        String event = "{'type':'m.room.redaction','redacts':'$top','content':{'redacts':'$in','reason':'spam'}}";
        assertThat(content(event, RoomVersion.V10)).isEqualTo("{}");
        assertThat(content(event, RoomVersion.V11)).isEqualTo("{\"redacts\":\"$in\"}");
        assertThat(Redaction.redact(json(event), RoomVersion.V10).has("redacts")).isFalse();
    }

    @Test
    void aliasesEventsLoseTheirContent() {
        assertThat(content("{'type':'m.room.aliases','content':{'aliases':['#a:x']}}", RoomVersion.V10)).isEqualTo("{}");
    }

    @Test
    void leavesTheInputUntouched() {
        ObjectNode event = json("{" + ENVELOPE + ",'type':'m.room.create','content':{'creator':'@u:x','x':{'y':1}}}");
        ObjectNode before = event.deepCopy();
        ObjectNode out = Redaction.redact(event, RoomVersion.V11);
        ((ObjectNode) out.get("content").get("x")).put("y", 2);
        ((ObjectNode) out.get("hashes")).put("sha256", "changed");
        assertThat(event).isEqualTo(before);
    }

    @Test
    void alwaysProducesAContentObject() {
        assertThat(Redaction.redact(json("{'type':'m.room.message'}"), RoomVersion.V10).get("content").isObject()).isTrue();
        assertThat(Redaction.redact(json("{'type':'m.room.member','content':'oops'}"), RoomVersion.V11)
                .get("content").isEmpty()).isTrue();
    }

    private static String content(String event, RoomVersion version) {
        return CanonicalJson.encodeToString(Redaction.redact(json(event), version).get("content"));
    }

    private static String canonical(String text) {
        return CanonicalJson.encodeToString(json(text));
    }
}
