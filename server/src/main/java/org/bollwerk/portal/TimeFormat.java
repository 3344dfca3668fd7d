package org.bollwerk.portal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formats epoch milliseconds for the pages (UTC, stated in the docs); templates may not build objects. */
public final class TimeFormat {
    public String time(Long epochMillis, String pattern) {
        if (epochMillis == null) return "";
        return DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(epochMillis));
    }
}
