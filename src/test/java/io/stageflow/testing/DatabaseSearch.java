package io.stageflow.testing;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.sql.DataSource;

/** Finds a text anywhere in the database: every text and binary column of every table, Camunda's included. */
public final class DatabaseSearch {

    private static final Set<Integer> SEARCHED_TYPES = Set.of(Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR,
            Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB, Types.BLOB, Types.BINARY,
            Types.VARBINARY, Types.LONGVARBINARY);

    private DatabaseSearch() {
    }

    /** "table.column" for every place that holds the text, ignoring case. */
    public static List<String> find(DataSource dataSource, String text) throws SQLException {
        String needle = text.toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = meta.getTables(connection.getCatalog(), connection.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            for (String table : tables) {
                List<String> columns = new ArrayList<>();
                try (ResultSet rs = meta.getColumns(connection.getCatalog(), connection.getSchema(), table, "%")) {
                    while (rs.next()) {
                        if (SEARCHED_TYPES.contains(rs.getInt("DATA_TYPE"))) {
                            columns.add(rs.getString("COLUMN_NAME"));
                        }
                    }
                }
                for (String column : columns) {
                    if (contains(connection, table, column, needle)) {
                        found.add(table + "." + column);
                    }
                }
            }
        }
        return found;
    }

    private static boolean contains(Connection connection, String table, String column, String needle)
            throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select " + column + " from " + table)) {
            while (rs.next()) {
                byte[] value = rs.getBytes(1);
                if (value != null && new String(value, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains(needle)) {
                    return true;
                }
            }
        }
        return false;
    }
}
