package org.bollwerk.matrix.id;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.fuzz.Fuzz;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of identifier parsing (IDs arrive in URL paths and bodies): any string either
 * parses into an ID that prints back to the same string, or fails with {@code M_INVALID_PARAM}.
 */
class IdFuzzTest {

    @Test
    void userIds() {
        Fuzz.check(IdFuzzTest::candidate, text -> check(text, UserId::parse, UserId::toString));
    }

    @Test
    void roomIds() {
        Fuzz.check(IdFuzzTest::candidate, text -> check(text, RoomId::parse, RoomId::toString));
    }

    @Test
    void eventIds() {
        Fuzz.check(IdFuzzTest::candidate, text -> check(text, EventId::parse, EventId::toString));
    }

    @Test
    void roomAliases() {
        Fuzz.check(IdFuzzTest::candidate, text -> check(text, RoomAlias::parse, RoomAlias::toString));
    }

    @Test
    void serverNames() {
        Fuzz.check(IdFuzzTest::serverName, text -> {
            check(text, ServerName::validate, Function.identity());
            assertThat(ServerName.isValid(text)).isEqualTo(parses(text));
        });
    }

    @Test
    void arbitraryStringsNeverCrashAnyParser() {
        Fuzz.check(r -> Fuzz.anyString(r, 40), text -> {
            check(text, UserId::parse, UserId::toString);
            check(text, RoomId::parse, RoomId::toString);
            check(text, EventId::parse, EventId::toString);
            check(text, RoomAlias::parse, RoomAlias::toString);
            check(text, ServerName::validate, Function.identity());
        });
    }

    private static <T> void check(String text, Function<String, T> parse, Function<T, String> print) {
        T id;
        try {
            id = parse.apply(text);
        } catch (MatrixException e) {
            assertThat(e.errCode()).isEqualTo(ErrCode.M_INVALID_PARAM);
            return;
        }
        assertThat(print.apply(id)).isEqualTo(text);
        assertThat(parse.apply(print.apply(id))).isEqualTo(id);
    }

    private static boolean parses(String text) {
        try {
            ServerName.validate(text);
            return true;
        } catch (MatrixException e) {
            return false;
        }
    }

    private static String candidate(Random r) {
        String sigil = Fuzz.oneOf(r, "@", "!", "$", "#", "", "@@", " ");
        String local = switch (r.nextInt(3)) {
            case 0 -> Fuzz.anyString(r, 20);
            case 1 -> Fuzz.string(r, "abcxyz019._=-/+:\u0000 \ud800\ud83d\ude00", 20);
            default -> "a".repeat(240 + r.nextInt(30));
        };
        return sigil + local + Fuzz.oneOf(r, ":", "", "::") + serverName(r);
    }

    private static String serverName(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> Fuzz.string(r, "abcXYZ019.-:[]", 30);
            case 1 -> Fuzz.oneOf(r, "localhost", "example.org", "example.org:8448", "1.2.3.4", "256.1.1.1", "[::1]",
                    "[::1]:99999", "[1:2::3]", "a..b", "-a.org", "evil.org:", ":80", "", "[", "]", "a.org:65536");
            default -> Fuzz.anyString(r, 30);
        };
    }
}
