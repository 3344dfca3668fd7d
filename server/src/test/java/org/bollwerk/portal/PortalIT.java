package org.bollwerk.portal;

import org.bollwerk.audit.AuditEntry;
import org.bollwerk.tenant.Tenant;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portal over real HTTP against a real server and database: headers, CSRF, the two sign-in steps,
 * lock-out, recovery codes, role limits, the audit trail, and the admin API's second-factor rule.
 */
class PortalIT extends PortalTestBase {
    @Autowired
    TenantRoles roles;

    @Test
    void pagesCarryAStrictContentSecurityPolicyAndTheSessionCookieIsLockedDown() {
        PortalClient client = new PortalClient(port);
        PortalClient.Page login = client.get("/admin/login");
        assertThat(login.status()).isEqualTo(200);
        String csp = login.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(login.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(login.header("Cache-Control")).isEqualTo("no-store");
        String cookie = login.header("Set-Cookie");
        assertThat(cookie).startsWith("BOLLWERK_ADMIN_SESSION=").contains("HttpOnly", "SameSite=Strict", "Path=/admin");
        assertThat(login.body()).doesNotContain("<script>", "style=\"");
        PortalClient.Page css = client.get("/admin/static/portal.css");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Security-Policy")).isEqualTo(csp);
    }

    @Test
    void formsWithoutTheSessionsCsrfTokenAreRefused() {
        String admin = newUser("csrfadmin", true);
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        PortalClient.Page missing = client.postRaw("/admin/login", Map.of("username", admin, "password", PASSWORD));
        assertThat(missing.status()).isEqualTo(403);
        assertThat(missing.body()).contains("M_FORBIDDEN");
        PortalClient.Page wrong = client.postRaw("/admin/login", Map.of("_csrf", "forged", "username", admin, "password", PASSWORD));
        assertThat(wrong.status()).isEqualTo(403);
        // a signed-in session: a forged action changes nothing
        String secret = signInAndEnrol(client, admin);
        assertThat(secret).hasSize(32);
        String victim = newUser("csrfvictim", false);
        PortalClient.Page forged = client.postRaw("/admin/users/" + PortalClient.path(victim) + "/lock",
                Map.of("_csrf", "forged", "locked", "true"));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(accounts.user(victim).orElseThrow().locked()).isFalse();
    }

    @Test
    void signInNeedsPasswordAndSecondFactorAndRecordsEveryAttempt() {
        String admin = newUser("signin", true);
        PortalClient anonymous = new PortalClient(port);
        PortalClient.Page gate = anonymous.get("/admin/users");
        assertThat(gate.status()).isEqualTo(303);
        assertThat(gate.location()).isEqualTo("/admin/login");
        anonymous.open("/admin/login");
        PortalClient.Page badPassword = anonymous.post("/admin/login", Map.of("username", admin, "password", "wrong"));
        assertThat(badPassword.status()).isEqualTo(200);
        assertThat(badPassword.body()).contains("id=\"problem\"");
        // the password step alone opens no page
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        client.post("/admin/login", Map.of("username", admin, "password", PASSWORD));
        assertThat(client.get("/admin").status()).isEqualTo(303);
        PortalClient.Page enrol = client.open("/admin/second-factor/enrol");
        assertThat(enrol.body()).contains("/admin/second-factor/qr.svg");
        PortalClient.Page qr = client.get("/admin/second-factor/qr.svg");
        assertThat(qr.header("Content-Type")).startsWith("image/svg+xml");
        assertThat(qr.body()).startsWith("<svg").contains("<path");
        PortalClient.Page wrongEnrol = client.post("/admin/second-factor/enrol", Map.of("code", "000000"));
        assertThat(wrongEnrol.body()).contains("id=\"problem\"");
        assertThat(client.get("/admin").status()).isEqualTo(303);

        String secret = signInAndEnrol(client, admin);
        assertThat(client.get("/admin").status()).isEqualTo(200);
        client.submit("/admin/logout", Map.of());
        assertThat(client.get("/admin").status()).isEqualTo(303);

        // second sign-in: a wrong code is refused, the right one (not yet used) lets in
        PortalClient again = new PortalClient(port);
        again.open("/admin/login");
        again.post("/admin/login", Map.of("username", admin, "password", PASSWORD));
        again.open("/admin/second-factor");
        PortalClient.Page wrongCode = again.post("/admin/second-factor", Map.of("code", wrongCode(secret)));
        assertThat(wrongCode.body()).contains("id=\"problem\"");
        assertThat(again.get("/admin").status()).isEqualTo(303);
        PortalClient.Page ok = again.post("/admin/second-factor",
                Map.of("code", Totp.code(secret, Totp.stepAt(System.currentTimeMillis()) + 1)));
        assertThat(ok.location()).endsWith("/admin");
        assertThat(again.get("/admin").body()).contains("id=\"dashboard\"");

        List<String> outcomes = auditOf(admin).stream().map(e -> e.action() + " " + e.outcome()).toList();
        assertThat(outcomes).contains("portal sign-in password refused", "portal sign-in password ok",
                "portal second factor enrol refused", "portal second factor enrol ok", "portal sign-in second factor refused",
                "portal sign-in second factor ok", "portal sign-out ok");
    }

    @Test
    void repeatedWrongCodesLockTheSecondFactorAndRecoveryCodesWorkOnce() {
        String admin = newUser("lockout", true);
        PortalClient first = new PortalClient(port);
        first.open("/admin/login");
        String secret = signInAndEnrol(first, admin);

        // recovery codes: shown once at enrolment; use one of a second admin
        String other = newUser("recovery", true);
        PortalClient enrolling = new PortalClient(port);
        enrolling.open("/admin/login");
        enrolling.post("/admin/login", Map.of("username", other, "password", PASSWORD));
        PortalClient.Page enrolPage = enrolling.open("/admin/second-factor/enrol");
        Matcher s = Pattern.compile("id=\"secret\">([A-Z2-7 ]+)<").matcher(enrolPage.body());
        assertThat(s.find()).isTrue();
        PortalClient.Page shown = enrolling.post("/admin/second-factor/enrol",
                Map.of("code", Totp.code(s.group(1).replace(" ", ""), Totp.stepAt(System.currentTimeMillis()))));
        Matcher code = Pattern.compile("<li>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</li>").matcher(shown.body());
        assertThat(code.find()).as(shown.body()).isTrue();
        String recovery = code.group(1);
        assertThat(secondFactorStep(other, recovery).location()).endsWith("/admin");
        assertThat(secondFactorStep(other, recovery).location()).isNull();   // spent

        // five wrong codes: even the right one is refused for a while
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        client.post("/admin/login", Map.of("username", admin, "password", PASSWORD));
        client.open("/admin/second-factor");
        for (int i = 0; i < 5; i++) client.post("/admin/second-factor", Map.of("code", wrongCode(secret)));
        PortalClient.Page locked = client.post("/admin/second-factor",
                Map.of("code", Totp.code(secret, Totp.stepAt(System.currentTimeMillis()) + 1)));
        assertThat(locked.status()).isEqualTo(200);
        assertThat(locked.body()).contains("id=\"problem\"");
        assertThat(client.get("/admin").status()).isEqualTo(303);
    }

    @Test
    void rolesLimitWhatThePortalShowsAndAllows() {
        String plain = newUser("plain", false);
        PortalClient nobody = new PortalClient(port);
        nobody.open("/admin/login");
        PortalClient.Page refused = nobody.post("/admin/login", Map.of("username", plain, "password", PASSWORD));
        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.body()).contains("id=\"problem\"");

        String helpdesk = newUser("helpdesk", false);
        roles.assign(Tenant.DEFAULT_ID, TenantRoles.HELPDESK, helpdesk);
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        signInAndEnrol(client, helpdesk);
        PortalClient.Page users = client.open("/admin/users");
        assertThat(users.status()).isEqualTo(200);
        assertThat(users.body()).contains("id=\"users\"").doesNotContain("id=\"create-user\"")
                .doesNotContain("/admin/tokens").doesNotContain("/admin/audit");
        String wanted = "@" + MatrixHttp.uniqueLocalpart("notcreated") + ":localhost";
        PortalClient.Page create = client.submit("/admin/users", Map.of("localpart", wanted.substring(1, wanted.indexOf(':')),
                "domain", "localhost", "password", "long-enough-1"));
        assertThat(create.body()).contains("class=\"problem\"");
        assertThat(accounts.exists(wanted)).isFalse();
        // helpdesk may lock users, but not server admins
        String target = newUser("lockme", false);
        client.submit("/admin/users/" + PortalClient.path(target) + "/lock", Map.of("locked", "true"));
        assertThat(accounts.user(target).orElseThrow().locked()).isTrue();
        String operator = newUser("operator", true);
        client.submit("/admin/users/" + PortalClient.path(operator) + "/lock", Map.of("locked", "true"));
        assertThat(accounts.user(operator).orElseThrow().locked()).isFalse();
        List<AuditEntry> entries = auditOf(helpdesk);
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("portal create user");
            assertThat(e.outcome()).isEqualTo("refused");
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("portal lock user");
            assertThat(e.target()).isEqualTo(target);
            assertThat(e.role()).isEqualTo("helpdesk@default");
            assertThat(e.outcome()).isEqualTo("ok");
        });
    }

    @Test
    void theAdminApiTakesOnlyTokensIssuedByThePortalAfterTheSecondFactor() {
        String admin = newUser("apiadmin", true);
        MatrixHttp http = new MatrixHttp(port);
        MatrixHttp.Response login = http.send("POST", "/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", admin), "password", PASSWORD));
        String passwordToken = login.json().get("access_token").asString();
        MatrixHttp.Response refused = http.get("/_synapse/admin/v2/users?limit=5", passwordToken);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errcode()).isEqualTo("M_FORBIDDEN");
        assertThat(http.get("/_synapse/admin/v2/users?limit=5", null).status()).isEqualTo(401);

        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        signInAndEnrol(client, admin);
        PortalClient.Page issued = client.submit("/admin/api-token", Map.of());
        Matcher token = Pattern.compile("id=\"api-token\">([^<]+)<").matcher(issued.body());
        assertThat(token.find()).as(issued.body()).isTrue();
        assertThat(http.get("/_synapse/admin/v2/users?limit=5", token.group(1)).status()).isEqualTo(200);
        assertThat(auditOf(admin)).anySatisfy(e -> assertThat(e.action()).isEqualTo("portal issue admin API token"));
    }

    @Test
    void roomsShowSettingsAndMembersButNoMessagesAndOperatorsCloseThem() {
        String owner = newUser("roomowner", false);
        MatrixHttp http = new MatrixHttp(port);
        String token = http.send("POST", "/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", owner), "password", PASSWORD)).json().get("access_token").asString();
        String roomId = http.send("POST", "/_matrix/client/v3/createRoom", token, Map.of("name", "Quarterly plans",
                "preset", "private_chat")).json().get("room_id").asString();
        http.send("PUT", "/_matrix/client/v3/rooms/" + MatrixHttp.encode(roomId) + "/send/m.room.message/t1", token,
                Map.of("msgtype", "m.text", "body", "secret figures"));

        String admin = newUser("roomadmin", true);
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        signInAndEnrol(client, admin);
        assertThat(client.open("/admin/rooms").body()).contains("Quarterly plans");
        String page = client.open("/admin/rooms/" + PortalClient.path(roomId)).body();
        assertThat(page).contains(owner, "m.room.member: 1").doesNotContain("secret figures");
        PortalClient.Page closed = client.submit("/admin/rooms/" + PortalClient.path(roomId) + "/close", Map.of());
        assertThat(closed.body()).contains("id=\"joined\">0<");
        assertThat(http.get("/_matrix/client/v3/joined_rooms", token).json().get("joined_rooms").size()).isZero();
        assertThat(auditOf(admin)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("portal close room");
            assertThat(e.target()).isEqualTo(roomId);
            assertThat(e.outcome()).isEqualTo("ok");
        });
    }

    @Test
    void theAuditPageSearchesAndOperatorsVerifyTheChainThere() {
        String admin = newUser("auditsearcher", true);
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        signInAndEnrol(client, admin);
        client.open("/admin/audit");
        String byMe = client.open("/admin/audit?actor=" + PortalClient.path(admin) + "&action=read+audit&outcome=ok").body();
        assertThat(byMe).contains("portal read audit log", admin);
        String byNobody = client.open("/admin/audit?actor=" + PortalClient.path("@nobody:localhost") + "&action=read+audit").body();
        assertThat(byNobody).doesNotContain("portal read audit log");
        String future = client.open("/admin/audit?from=2999-01-01").body();
        assertThat(future).doesNotContain("portal read audit log");

        PortalClient.Page verified = client.submit("/admin/audit/verify", Map.of());
        assertThat(verified.body()).contains("id=\"verification\"", "Chain intact");
        assertThat(auditOf(admin)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("portal verify audit log");
            assertThat(e.outcome()).isEqualTo("ok");
        });
    }

    @Test
    void speaksGermanWhenTheBrowserAsksOrTheSwitchSaysSo() {
        PortalClient client = new PortalClient(port).language("de-DE,de;q=0.9");
        assertThat(client.open("/admin/login").body()).contains("Passwort", "lang=\"de\"");
        PortalClient english = new PortalClient(port);
        assertThat(english.open("/admin/login").body()).contains("Password");
        assertThat(english.open("/admin/language?lang=de").body()).contains("Passwort");
    }

    @Test
    void callersWithoutAPortalSessionGetAMatrixError() {
        MatrixHttp http = new MatrixHttp(port);
        MatrixHttp.Response response = http.get("/admin/users", null);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.errcode()).isEqualTo("M_UNAUTHORIZED");
    }

    private PortalClient.Page secondFactorStep(String userId, String code) {
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        client.post("/admin/login", Map.of("username", userId, "password", PASSWORD));
        client.open("/admin/second-factor");
        return client.post("/admin/second-factor", Map.of("code", code));
    }

    /** A six-digit code that matches no step in the accepted window. */
    private static String wrongCode(String secret) {
        long now = Totp.stepAt(System.currentTimeMillis());
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            boolean valid = false;
            for (long step = now - 2; step <= now + 2; step++) valid |= Totp.code(secret, step).equals(code);
            if (!valid) return code;
        }
    }
}
