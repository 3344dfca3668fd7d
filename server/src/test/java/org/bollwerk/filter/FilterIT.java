package org.bollwerk.filter;

import org.bollwerk.userdata.UserdataTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterIT extends UserdataTestBase {

    @Autowired
    FilterService filters;

    private static final String ELEMENT_FILTER = """
            {"room":{"state":{"lazy_load_members":true},"timeline":{"limit":20}},"presence":{"not_types":["*"]}}""";

    @Test
    void userCreatesAFilterAndReadsItBack() {
        User alice = newUser("filter-alice");
        String path = "/_matrix/client/v3/user/" + enc(alice.userId()) + "/filter";
        String id = post(alice, path, ELEMENT_FILTER).assertOk().body().get("filter_id").asString();
        Response read = get(alice, path + "/" + id).assertOk();
        assertThat(read.body()).isEqualTo(object(ELEMENT_FILTER));
        SyncFilter parsed = filters.forSync(alice.userId(), id);
        assertThat(parsed.state().lazyLoadMembers()).isTrue();
        assertThat(parsed.timeline().limitOr(5)).isEqualTo(20);
    }

    @Test
    void theSameFilterTwiceGetsTheSameIdAndADifferentOneANewId() {
        User alice = newUser("filter-same");
        String path = "/_matrix/client/r0/user/" + enc(alice.userId()) + "/filter";
        String first = post(alice, path, ELEMENT_FILTER).assertOk().body().get("filter_id").asString();
        String again = post(alice, path, ELEMENT_FILTER).assertOk().body().get("filter_id").asString();
        String other = post(alice, path, "{}").assertOk().body().get("filter_id").asString();
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void filtersOfOtherUsersCanNeitherBeCreatedNorRead() {
        User alice = newUser("filter-owner");
        User mallory = newUser("filter-mallory");
        String alicePath = "/_matrix/client/v3/user/" + enc(alice.userId()) + "/filter";
        String id = post(alice, alicePath, "{}").assertOk().body().get("filter_id").asString();
        post(mallory, alicePath, "{}").assertError(403, "M_FORBIDDEN");
        get(mallory, alicePath + "/" + id).assertError(403, "M_FORBIDDEN");
        // mallory's own namespace does not see alice's filter either
        get(mallory, "/_matrix/client/v3/user/" + enc(mallory.userId()) + "/filter/" + id)
                .assertError(404, "M_NOT_FOUND");
    }

    @Test
    void unknownFilterIdsAreNotFound() {
        User alice = newUser("filter-unknown");
        String path = "/_matrix/client/v3/user/" + enc(alice.userId()) + "/filter/";
        get(alice, path + "12345").assertError(404, "M_NOT_FOUND");
        get(alice, path + "not-a-number").assertError(404, "M_NOT_FOUND");
        assertThatThrownBy(() -> filters.forSync(alice.userId(), "999"))
                .hasFieldOrPropertyWithValue("errCode", org.bollwerk.matrix.ErrCode.M_NOT_FOUND);
    }

    @Test
    void malformedFiltersAreRefusedAndNothingIsStored() {
        User alice = newUser("filter-bad");
        String path = "/_matrix/client/v3/user/" + enc(alice.userId()) + "/filter";
        post(alice, path, "{\"room\":{\"timeline\":{\"limit\":\"ten\"}}}").assertError(400, "M_BAD_JSON");
        post(alice, path, "[]").assertError(400, "M_BAD_JSON");
        post(alice, path, "{nope").assertError(400, "M_NOT_JSON");
        post(alice, path, null).assertError(400, "M_NOT_JSON");
        get(alice, path + "/0").assertError(404, "M_NOT_FOUND");
        // the first accepted filter still gets the first ID
        assertThat(post(alice, path, "{}").assertOk().body().get("filter_id").asString()).isEqualTo("0");
    }

    @Test
    void filterEndpointsNeedAnAccessToken() {
        User alice = newUser("filter-anon");
        String path = "/_matrix/client/v3/user/" + enc(alice.userId()) + "/filter";
        post(null, path, "{}").assertError(401, "M_MISSING_TOKEN");
        get(null, path + "/0").assertError(401, "M_MISSING_TOKEN");
    }
}
