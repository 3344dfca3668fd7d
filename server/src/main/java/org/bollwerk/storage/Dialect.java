package org.bollwerk.storage;

/** The two supported databases. Feature SQL is written once, in the subset both understand. */
public enum Dialect {
    SQLITE, POSTGRESQL
}
