/**
 * Database access shared by all features: the SQLite/PostgreSQL data sources, Flyway migrations,
 * write transactions and the global stream position that orders every write.
 * Each feature owns its own tables and SQL; this module owns none of them but the stream counter.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN,
        allowedDependencies = {"config"})
package org.bollwerk.storage;
