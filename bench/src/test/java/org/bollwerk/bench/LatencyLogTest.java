package org.bollwerk.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencyLogTest {

    @Test
    void windowsSelectSamplesByTimeAndGrowBeyondTheInitialSize() {
        LatencyLog log = new LatencyLog();
        for (int i = 0; i < 3000; i++) {
            log.add(i, i * 10L);
        }
        assertEquals(3000, log.size());
        assertArrayEquals(new long[] {1000, 1010, 1020}, log.between(100, 103));
        assertEquals(3000, log.all().length);
        assertEquals(0, log.between(5000, 6000).length);
    }
}
