package io.stageflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;

import org.h2.engine.ConnectionInfo;
import org.h2.mvstore.MVStoreTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Compacts the default profile's H2 file fully, as H2's own {@code SHUTDOWN COMPACT} does, before the connection
 * pool first opens it, when a customer was erased since the node last started ({@link #markDue}). That copies only the
 * data still in use into a new file, which replaces the old one. The compaction that follows an erasure while the
 * node runs ({@link EmbeddedFileDatabase#compactFully}) goes by H2's own count of the pages in use, which H2 keeps in
 * memory until its next commit: a node killed in mid-work can lose part of it, and old pages it had let go of then
 * count as in use for good, so that no later compaction in a running node overwrites them (in one crash test run, an
 * erased address was still in the file a minute and two compactions after the restart). Does nothing for other
 * databases.
 */
@Component
class FullCompactionBeforeOpen implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(FullCompactionBeforeOpen.class);
    private static final String MARKER_SUFFIX = ".compact-before-open";

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        // Spring Boot's pool connects on first use, which comes after this.
        if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
            compactIfDue(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
        }
        return bean;
    }

    /**
     * Compacts the database at {@code url} if a full compaction is due, and then takes the mark away. True if it
     * compacted.
     */
    static boolean compactIfDue(String url, String user, String password) {
        Optional<String> name = databaseName(url);
        if (name.isEmpty()) {
            return false;
        }
        Path marker = Path.of(name.get() + MARKER_SUFFIX);
        Path file = Path.of(name.get() + ".mv.db");
        MVStoreTool.compactCleanUp(file.toString()); // a compaction that was cut short, by a kill, is finished
        if (!Files.exists(marker)) {
            return false;
        }
        long before = sizeOf(file);
        long started = System.nanoTime();
        // Opened once through H2 so that it finishes what the last run left (its transactions), and closed cleanly.
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not open and close the database file " + file + " to compact it"
                    + " fully, which a customer's erasure since the last start asks for; see docs/privacy.md", e);
        }
        // What SHUTDOWN COMPACT does, but uncompressed, as H2 writes by default: so that a search of the file's
        // bytes for an erased address means something.
        MVStoreTool.compact(file.toString(), false);
        try {
            Files.delete(marker);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove " + marker + " after compacting", e);
        }
        log.info("Database file fully compacted before opening it, as customers were erased since the last start:"
                + " {} KiB, was {} KiB, in {} ms", sizeOf(file) / 1024, before / 1024,
                (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    /**
     * Notes, durably, that the database at {@code url} is to be compacted fully before it is next opened. Called
     * before an erasure commits, so that no erasure can be on disk without its mark.
     */
    static void markDue(String url) {
        Optional<Path> marker = markerFor(url);
        if (marker.isEmpty() || Files.exists(marker.get())) {
            return;
        }
        try (FileChannel file = FileChannel.open(marker.get(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            file.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + marker.get() + ", which makes the next start compact"
                    + " the database file fully after an erasure", e);
        }
        // The new name on disk too, not only the file: where the system allows a folder to be synced (not Windows).
        try (FileChannel folder = FileChannel.open(marker.get().getParent(), StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            log.debug("Could not sync the folder of {}", marker.get(), e);
        }
    }

    /** The mark's path, next to the database file, for an H2 database in a local file; empty for any other. */
    static Optional<Path> markerFor(String url) {
        return databaseName(url).map(name -> Path.of(name + MARKER_SUFFIX));
    }

    /** The database's file name without H2's extension, as H2 resolves it, if it is in a local file. */
    private static Optional<String> databaseName(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        ConnectionInfo database = new ConnectionInfo(url, new Properties(), "", "");
        if (!database.isPersistent() || database.isRemote()) {
            return Optional.empty();
        }
        return Optional.of(Path.of(database.getName()).toAbsolutePath().normalize().toString());
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
