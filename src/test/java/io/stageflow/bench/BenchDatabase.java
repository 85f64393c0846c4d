package io.stageflow.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.stageflow.testing.TestDatabase;

/**
 * On MariaDB, sizes the server's buffer pool as for production and empties the benchmark's database before the application starts, so every run begins from the same
 * empty schema: connects with {@code stageflow.test.mysql.url} ({@code createDatabaseIfNotExist=true} in the
 * bench profile's URL creates it), then drops and creates that database. Once per run: the benchmark classes share
 * one application, which must not lose its database under it when the second class starts.
 * <p>
 * MariaDB's default buffer pool is 128 MB, smaller than the scale scenario's million customers (about 280 MB with
 * their indexes): every segment count and broadcast read pages from disk then. The runner raises it, for as long as
 * the server runs, to {@code stageflow.bench.mariadb.buffer-pool} bytes (2 GiB; 0 leaves the server as it is), as
 * operations.md tells a production database to be sized, and prints what the figures ran with.
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
            sizeBufferPool(s);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot recreate the benchmark database at " + url, e);
        }
    }

    private static void sizeBufferPool(Statement s) throws SQLException {
        long wanted = Long.getLong("stageflow.bench.mariadb.buffer-pool", 2L << 30);
        long before = globalVariable(s, "innodb_buffer_pool_size");
        if (wanted > before) {
            s.execute("set global innodb_buffer_pool_size = " + wanted);
        }
        System.out.printf("bench mariadb innodb_buffer_pool_size %d MiB (was %d MiB), innodb_flush_log_at_trx_commit %d%n",
                globalVariable(s, "innodb_buffer_pool_size") >> 20, before >> 20,
                globalVariable(s, "innodb_flush_log_at_trx_commit"));
    }

    private static long globalVariable(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("select @@global." + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
