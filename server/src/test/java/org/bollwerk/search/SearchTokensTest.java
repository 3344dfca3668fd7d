package org.bollwerk.search;

import org.bollwerk.matrix.MatrixException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchTokensTest {

    @Test
    void wordsAreNormalisedLowerCasedAndSplitAtEverythingButLettersAndDigits() {
        assertThat(SearchTokens.distinct("Budget-Review: ＢＵＤＧＥＴ, budget! Straße café 2026 ﬁle"))
                .containsExactly("budget", "review", "straße", "café", "2026", "file");
        assertThat(SearchTokens.words("Hello, World")).containsExactly("Hello", "World");
        assertThat(SearchTokens.distinct("日本語 テキスト")).containsExactly("日本語", "テキスト");
    }

    @Test
    void overlongWordsAndEmptyTextGiveNoTokens() {
        assertThat(SearchTokens.distinct("a".repeat(65) + " ok")).containsExactly("ok");
        assertThat(SearchTokens.distinct("")).isEmpty();
        assertThat(SearchTokens.distinct(null)).isEmpty();
        assertThat(SearchTokens.distinct("... --- !!!")).isEmpty();
    }

    @Test
    void rankPrefersShortTextsWithMoreOccurrencesAndIsZeroWhenAWordIsMissing() {
        Set<String> terms = Set.of("budget");
        double dense = RoomEventSearch.rank(SearchTokens.words("budget budget"), terms);
        double sparse = RoomEventSearch.rank(SearchTokens.words("the budget is discussed at length today"), terms);
        assertThat(dense).isGreaterThan(sparse).isPositive();
        assertThat(RoomEventSearch.rank(List.of("budget"), Set.of("budget", "monday"))).isZero();
    }

    @Test
    void aCursorReadsBackOnlyForItsOwnOrderingAndForgedOnesAreRefused() {
        SearchCursor recent = new SearchCursor(false, 1234);
        assertThat(SearchCursor.parse(recent.token(), false)).isEqualTo(recent);
        assertThat(SearchCursor.parse(null, true)).isEqualTo(SearchCursor.FIRST_RANK);
        for (String bad : List.of(recent.token() + "x", "s1.!!", "abc", "s1.cjotMQ")) {
            assertThatThrownBy(() -> SearchCursor.parse(bad, false)).isInstanceOf(MatrixException.class);
        }
        assertThatThrownBy(() -> SearchCursor.parse(recent.token(), true)).isInstanceOf(MatrixException.class);
    }
}
