package io.stageflow.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

import io.stageflow.support.EmbeddedFileDatabase;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deleted row's bytes stay in H2's file after the delete is committed, and are gone from it, while the database
 * is still open, once the file has been compacted.
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
