package org.bollwerk.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SyncParserTest {

    private static final String SYNC = """
            {"next_batch":"s42_7","account_data":{"events":[{"content":{"body":"bmX 99"}}]},
             "rooms":{"join":{"!a:x":{"timeline":{"limited":true,"prev_batch":"p",
               "events":[{"type":"m.room.message","content":{"msgtype":"m.text","body":"bmX 3"}},
                         {"type":"m.room.message","content":{"msgtype":"m.text","body":"other 4"}},
                         {"type":"m.room.member","content":{"membership":"join"},"unsigned":{"next_batch":"no"}}]}},
               "!b:x":{"timeline":{"limited":false,"events":[{"content":{"body":"bmX 12"}},{"content":{"body":"bmX x"}}]}}}}}
            """;

    @Test
    void findsNextBatchMessageNumbersAndLimitedTimelines() {
        SyncParser.Result r = SyncParser.parse(SYNC.getBytes(StandardCharsets.UTF_8), "bmX ");
        assertEquals("s42_7", r.nextBatch(), "only the top-level next_batch counts");
        // the account-data body matches the prefix too: the parser is deliberately blind to where a body is;
        // the scenarios' filter keeps everything but message timelines out of the response
        assertArrayEquals(new int[] {99, 3, 12}, r.idArray());
        assertEquals(1, r.limited());
    }

    @Test
    void emptyResponseHasNoNextBatch() {
        SyncParser.Result r = SyncParser.parse("{}".getBytes(StandardCharsets.UTF_8), "bm ");
        assertNull(r.nextBatch());
        assertEquals(0, r.count());
    }

    @Test
    void parseIdStopsAtSpaceAndRejectsNonDigits() {
        assertEquals(123, SyncParser.parseId("bm 123 tail", 3));
        assertEquals(-1, SyncParser.parseId("bm x1", 3));
        assertEquals(-1, SyncParser.parseId("bm ", 3));
    }
}
