package org.bollwerk.storage;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A database schema as sorted lines of text, read through JDBC metadata, in words both databases share:
 * tables, columns (normalised type, nullability, default), primary keys, indexes and unique constraints by
 * their columns, and foreign keys. Names the databases invent (PostgreSQL's {@code *_pkey}/{@code *_key},
 * SQLite's {@code sqlite_autoindex_*}) are left out, so two schemas from the same migrations read the same.
 */
final class SchemaOutline {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("text", "text"), Map.entry("varchar", "text"),
            Map.entry("smallint", "int16"), Map.entry("int2", "int16"),
            Map.entry("integer", "int32"), Map.entry("int", "int32"), Map.entry("int4", "int32"),
            Map.entry("serial", "int32"),
            Map.entry("bigint", "int64"), Map.entry("int8", "int64"), Map.entry("bigserial", "int64"),
            Map.entry("blob", "bytes"), Map.entry("bytea", "bytes"),
            Map.entry("boolean", "boolean"), Map.entry("bool", "boolean"));

    private SchemaOutline() {
    }

    static TreeSet<String> read(Connection connection, String schema) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        boolean sqlite = meta.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("sqlite");
        TreeSet<String> lines = new TreeSet<>();
        for (String table : tables(meta, schema)) {
            lines.add("table " + table);
            List<String> primaryKey = primaryKey(meta, schema, table);
            if (!primaryKey.isEmpty()) lines.add("primary key " + table + " " + primaryKey);
            try (ResultSet rs = meta.getColumns(null, schema, table, "%")) {
                while (rs.next()) {
                    String column = rs.getString("COLUMN_NAME");
                    String declared = rs.getString("TYPE_NAME").toLowerCase(Locale.ROOT);
                    // SQLITE's INTEGER PRIMARY KEY AUTOINCREMENT is its 64-bit rowid; PostgreSQL's BIGSERIAL.
                    boolean generated = "YES".equals(rs.getString("IS_AUTOINCREMENT"));
                    String type = generated ? "int64 generated" : TYPES.getOrDefault(declared, "unknown type " + declared);
                    // SQLite lets NULL into a primary key column that is not an INTEGER one (a quirk it keeps
                    // for compatibility); the schema means "not null", and no writer stores a NULL key.
                    boolean notNull = "NO".equals(rs.getString("IS_NULLABLE")) || primaryKey.contains(column);
                    String nullable = notNull ? "not null" : "null";
                    String defaultValue = generated ? null : normaliseDefault(rs.getString("COLUMN_DEF"));
                    lines.add("column " + table + "." + column + " " + type + " " + nullable
                            + (defaultValue == null ? "" : " default " + defaultValue));
                }
            }
            indexes(meta, schema, table, primaryKey, lines);
            foreignKeys(meta, schema, table, lines);
        }
        return lines;
    }

    private static List<String> tables(DatabaseMetaData meta, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(null, schema, "%", new String[]{"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                if (!name.startsWith("sqlite_") && !name.equals("flyway_schema_history")) tables.add(name);
            }
        }
        return tables;
    }

    private static List<String> primaryKey(DatabaseMetaData meta, String schema, String table) throws SQLException {
        TreeMap<Integer, String> columns = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, schema, table)) {
            while (rs.next()) columns.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
        }
        return List.copyOf(columns.values());
    }

    private static void indexes(DatabaseMetaData meta, String schema, String table, List<String> primaryKey,
                                TreeSet<String> lines) throws SQLException {
        Map<String, TreeMap<Integer, String>> columns = new TreeMap<>();
        Map<String, Boolean> unique = new TreeMap<>();
        try (ResultSet rs = meta.getIndexInfo(null, schema, table, false, false)) {
            while (rs.next()) {
                if (rs.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) continue;
                String name = rs.getString("INDEX_NAME");
                columns.computeIfAbsent(name, n -> new TreeMap<>())
                        .put(rs.getInt("ORDINAL_POSITION"), String.valueOf(rs.getString("COLUMN_NAME")));
                unique.put(name, !rs.getBoolean("NON_UNIQUE"));
            }
        }
        columns.forEach((name, parts) -> {
            List<String> indexed = List.copyOf(parts.values());
            boolean invented = name.startsWith("sqlite_autoindex_") || name.endsWith("_pkey") || name.endsWith("_key");
            if (invented && indexed.equals(primaryKey)) return;  // the primary key, compared above
            lines.add((unique.get(name) ? "unique index " : "index ") + table + " "
                    + (invented ? "" : name + " ") + indexed);
        });
    }

    private static void foreignKeys(DatabaseMetaData meta, String schema, String table, TreeSet<String> lines)
            throws SQLException {
        Map<String, List<String>> keys = new TreeMap<>();
        try (ResultSet rs = meta.getImportedKeys(null, schema, table)) {
            while (rs.next()) {
                String target = rs.getString("PKTABLE_NAME") + " on delete " + rule(rs.getShort("DELETE_RULE"));
                keys.computeIfAbsent(target, t -> new ArrayList<>())
                        .add(rs.getString("FKCOLUMN_NAME") + "->" + rs.getString("PKCOLUMN_NAME"));
            }
        }
        keys.forEach((target, pairs) -> lines.add("foreign key " + table + " " + pairs.stream().sorted().toList()
                + " " + target));
    }

    private static String rule(short rule) {
        return switch (rule) {
            case DatabaseMetaData.importedKeyCascade -> "cascade";
            case DatabaseMetaData.importedKeySetNull -> "set null";
            case DatabaseMetaData.importedKeySetDefault -> "set default";
            default -> "no action";  // RESTRICT and NO ACTION differ only in when the check runs
        };
    }

    private static String normaliseDefault(String value) {
        if (value == null) return null;
        if (value.startsWith("nextval(")) return "generated";
        return value.replaceAll("::[a-z ]+$", "").trim();
    }
}
