package org.bollwerk.storage;

/** The two supported databases. Feature SQL is written once, in the subset both understand. */
public enum Dialect {
    SQLITE, POSTGRESQL;

    public String migrationFolder() {
        return this == SQLITE ? "classpath:db/migration/sqlite" : "classpath:db/migration/postgresql";
    }
}
