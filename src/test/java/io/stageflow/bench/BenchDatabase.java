package io.stageflow.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.stageflow.testing.TestDatabase;

/**
 * On MariaDB, empties the benchmark's database before the application starts, so every run begins from the same
 * empty schema: connects with {@code stageflow.test.mysql.url} ({@code createDatabaseIfNotExist=true} in the
 * bench profile's URL creates it), then drops and creates that database. Once per run: the benchmark classes share
 * one application, which must not lose its database under it when the second class starts.
 */
final class BenchDatabase {

    /** Whether this JVM (one benchmark run) has recreated the database already. */
    private static final java.util.concurrent.atomic.AtomicBoolean RECREATED =
            new java.util.concurrent.atomic.AtomicBoolean();

    private BenchDatabase() {
    }

    static void recreateIfMariaDb() {
        if (!TestDatabase.isMariaDb() || !RECREATED.compareAndSet(false, true)) {
            return;
        }
        String url = System.getProperty("stageflow.test.mysql.url");
        try (Connection c = DriverManager.getConnection(url, System.getProperty("stageflow.test.mysql.user"),
                System.getProperty("stageflow.test.mysql.password", ""));
                Statement s = c.createStatement()) {
            String name;
            try (ResultSet rs = s.executeQuery("select database()")) {
                rs.next();
                name = rs.getString(1);
            }
            if (name == null || !name.contains("bench")) {
                throw new IllegalStateException("Refusing to drop database '" + name
                        + "': the benchmark only recreates a database whose name contains 'bench'");
            }
            s.execute("drop database `" + name + "`");
            s.execute("create database `" + name + "` character set utf8mb4 collate utf8mb4_bin");
            System.out.println("bench database " + name + " recreated");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot recreate the benchmark database at " + url, e);
        }
    }
}
