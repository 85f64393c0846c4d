package io.stageflow.crash;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stageflow.testing.TestDatabase;

/**
 * Where the jar under test keeps its data, chosen like the other tests' ({@code -Dstageflow.test.db}). On H2 the
 * default profile's own file database, {@code ./var/db/stageflow} in the process's working folder: exactly what must
 * be durable, so nothing is set. On MariaDB the real {@code mysql} profile, in a database of the crash tests' own
 * ({@code stageflow.test.crash.database}, or the database of {@code stageflow.test.mysql.url} with {@code _crash}
 * added), dropped and created afresh for every test.
 */
final class CrashDatabase {

    private static final Pattern MYSQL_URL = Pattern.compile("(jdbc:mysql://[^/?]+/)([^?]*)(\\?.*)?");

    private final boolean mariaDb;
    private final String serverUrl;
    private final String databaseUrl;
    private final String database;
    private final String user;
    private final String password;

    private CrashDatabase(boolean mariaDb, String serverUrl, String databaseUrl, String database, String user,
            String password) {
        this.mariaDb = mariaDb;
        this.serverUrl = serverUrl;
        this.databaseUrl = databaseUrl;
        this.database = database;
        this.user = user;
        this.password = password;
    }

    /** The database the build asked for. */
    static CrashDatabase fromSystemProperties() {
        if (!TestDatabase.isMariaDb()) {
            return new CrashDatabase(false, null, null, null, null, null);
        }
        String url = System.getProperty("stageflow.test.mysql.url");
        Matcher parts = url == null ? null : MYSQL_URL.matcher(url);
        if (parts == null || !parts.matches()) {
            throw new IllegalStateException("stageflow.test.mysql.url is not jdbc:mysql://host:port/database?...: " + url);
        }
        String query = parts.group(3) == null ? "" : parts.group(3);
        String configured = System.getProperty("stageflow.test.crash.database", "");
        String database = configured.isBlank() ? parts.group(2) + "_crash" : configured.strip();
        if (!database.matches("[A-Za-z0-9_]+") || !database.contains("crash")) {
            throw new IllegalStateException("Refusing to use database '" + database
                    + "': the crash tests drop and create it, so its name must contain 'crash' (letters, digits, _)");
        }
        return new CrashDatabase(true, parts.group(1) + query, parts.group(1) + database + query, database,
                System.getProperty("stageflow.test.mysql.user", "root"),
                System.getProperty("stageflow.test.mysql.password", ""));
    }

    /** {@code h2} or {@code mariadb}, for the figures a test prints. */
    String label() {
        return mariaDb ? "mariadb" : "h2";
    }

    /** An empty database for a new test; on H2 the test's fresh working folder is that already. */
    void recreate() {
        if (!mariaDb) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(serverUrl, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists `" + database + "`");
            statement.execute("create database `" + database + "` character set utf8mb4 collate utf8mb4_bin");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot recreate the crash tests' database " + database + " at " + serverUrl, e);
        }
    }

    /** A single number the test's own query reads from the crash tests' MariaDB database (a count, say). */
    long count(String sql) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                java.sql.ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read " + sql, e);
        }
    }

    /**
     * A connection of the test's own to the crash tests' MariaDB database, for a test that reads it many times a
     * second (a poller); the caller closes it.
     */
    Connection connect() throws SQLException {
        if (!mariaDb) {
            throw new IllegalStateException("Only the MariaDB database is read from outside the jar");
        }
        return DriverManager.getConnection(databaseUrl, user, password);
    }

    /** The database server's port, from {@code stageflow.test.mysql.url} (3306 when it names none). */
    int serverPort() {
        Matcher port = Pattern.compile("jdbc:mysql://[^/:?]+:(\\d+)/").matcher(serverUrl);
        return port.find() ? Integer.parseInt(port.group(1)) : 3306;
    }

    /** The jar's JDBC URL for this database, through a relay on the loopback address at {@code port}. */
    String urlThrough(int port) {
        return databaseUrl.replaceFirst("jdbc:mysql://[^/?]+/", "jdbc:mysql://127.0.0.1:" + port + "/");
    }

    /** True on MariaDB, where several processes can share the database. */
    boolean shared() {
        return mariaDb;
    }

    /** Environment variables that select this database for the jar (application-mysql.yaml reads them). */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        if (mariaDb) {
            environment.put("SPRING_PROFILES_ACTIVE", "mysql");
            environment.put("STAGEFLOW_DB_URL", databaseUrl);
            environment.put("STAGEFLOW_DB_USER", user);
            environment.put("STAGEFLOW_DB_PASSWORD", password);
        }
        return environment;
    }
}
