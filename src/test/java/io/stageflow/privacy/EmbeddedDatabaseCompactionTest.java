package io.stageflow.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import io.stageflow.support.EmbeddedFileDatabase;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deleted row's bytes stay in H2's file after the delete is committed, and are gone from it, while the database
 * is still open, once the file has been compacted: also while another connection keeps committing and the
 * housekeeping moves chunks at the same time (which, with H2 2.3.232, tripped an MVStore assertion and closed the
 * database; surefire runs with assertions on).
 */
class EmbeddedDatabaseCompactionTest {

    @TempDir
    Path folder;

    @Test
    void afterCompactionNoCopyOfADeletedRowIsLeftInTheOpenDatabaseFile() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + folder.resolve("db") + ";WRITE_DELAY=0;RETENTION_TIME=0");
        Path file = folder.resolve("db.mv.db");
        try (Connection connection = dataSource.getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("create table customer (id int primary key, email varchar(200), note varchar(500))");
            }
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("insert into customer values (?, ?, ?)")) {
                for (int i = 0; i < 5_000; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, (i == 1234 ? "erase-me-7f3a" : "keep-" + i) + "@example.com");
                    insert.setString(3, "x".repeat(200));
                    insert.executeUpdate();
                }
            }
            connection.commit();
            connection.setAutoCommit(true);
            // The row is updated a few times before it is deleted, as a profile is: more old copies.
            for (int round = 0; round < 5; round++) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("update customer set note = 'round " + round + "' where id = 1234");
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("delete from customer where id = 1234");
            }
            assertThat(occurrences(file, "erase-me-7f3a")).as("copies before compaction").isPositive();

            EmbeddedFileDatabase database = new EmbeddedFileDatabase(dataSource);
            try {
                new EmbeddedDatabaseCompaction(database, new PrivacyProperties(Duration.ZERO, Duration.ofSeconds(20)))
                        .compactNow();
            } finally {
                database.destroy();
            }

            assertThat(occurrences(file, "erase-me-7f3a")).as("copies after compaction").isZero();
            assertThat(occurrences(file, "keep-4999@example.com")).as("the rest is still there").isPositive();
            try (Statement statement = connection.createStatement();
                    var rows = statement.executeQuery("select count(*) from customer")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(4_999);
            }
        }
    }

    @Test
    void compactionAndHousekeepingUnderConcurrentCommitsLeaveNoCopyAndKeepTheDatabaseOpen() throws Exception {
        Random random = new Random(42);
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + folder.resolve("busy") + ";WRITE_DELAY=0;RETENTION_TIME=0");
        Path file = folder.resolve("busy.mv.db");
        int rows = 1_500;
        List<Integer> victims = new ArrayList<>();
        EmbeddedFileDatabase database = new EmbeddedFileDatabase(dataSource);
        try (Connection connection = dataSource.getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("create table customer (id int primary key, email varchar(200), note varchar(500))");
            }
            try (PreparedStatement insert = connection.prepareStatement("insert into customer values (?, ?, ?)")) {
                for (int i = 0; i < rows; i++) { // one commit each: many small chunks, as the application makes
                    insert.setInt(1, i);
                    insert.setString(2, "person-" + i + "-zq@example.com");
                    insert.setString(3, "x".repeat(random.nextInt(300)));
                    insert.executeUpdate();
                }
            }
            while (victims.size() < 10) {
                int id = random.nextInt(rows);
                if (!victims.contains(id)) {
                    victims.add(id);
                }
            }
            database.start(); // the housekeeping, every 500 ms, from here on
            // Every third commit updates a customer to erase: old copies of them spread over many chunks.
            updates(dataSource, 1_000, random, rows, victims);
            try (Statement statement = connection.createStatement()) {
                for (int id : victims) {
                    statement.executeUpdate("delete from customer where id = " + id);
                }
            }
            AtomicReference<Exception> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    updates(dataSource, 1_000, new Random(7), rows, List.of());
                } catch (Exception e) {
                    writerFailure.set(e);
                }
            });
            writer.start();
            new EmbeddedDatabaseCompaction(database, new PrivacyProperties(Duration.ZERO, Duration.ofSeconds(20)))
                    .compactNow();
            writer.join();

            assertThat(writerFailure.get()).as("the other connection's commits").isNull();
            for (int id : victims) {
                assertThat(occurrences(file, "person-" + id + "-zq@example.com")).as("copies of %d", id).isZero();
            }
            try (Statement statement = connection.createStatement();
                    var count = statement.executeQuery("select count(*) from customer")) {
                count.next();
                assertThat(count.getInt(1)).isEqualTo(rows - victims.size());
            }
        } finally {
            database.destroy();
        }
    }

    /** {@code count} single-row commits; every third one to a customer of {@code favourites}, if any. */
    private static void updates(JdbcDataSource dataSource, int count, Random random, int rows, List<Integer> favourites)
            throws Exception {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("update customer set note = ? where id = ?")) {
            for (int round = 0; round < count; round++) {
                update.setString(1, "w".repeat(random.nextInt(300)));
                update.setInt(2, round % 3 == 0 && !favourites.isEmpty()
                        ? favourites.get(random.nextInt(favourites.size())) : random.nextInt(rows));
                update.executeUpdate();
            }
        }
    }

    private static int occurrences(Path file, String text) throws Exception {
        byte[] haystack = Files.readAllBytes(file);
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        int count = 0;
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            count++;
        }
        return count;
    }
}
