package org.bollwerk.config;

/**
 * SQLite's {@code PRAGMA synchronous} ({@code bollwerk.database.sqlite-synchronous}, bound case-insensitively):
 * {@code FULL} (default) makes a confirmed write survive a power loss; see docs/operator-guide.md.
 */
public enum SqliteSynchronous { OFF, NORMAL, FULL, EXTRA }
