package io.stageflow.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Upkeep of the default profile's H2 file database, which its durable settings need. The URL sets
 * {@code WRITE_DELAY=0}, so that every commit is in the file before it is acknowledged; but H2 then stops its
 * background writer, which also compacts the file, so the file would grow with every commit's chunk (several KiB)
 * and never shrink. This component does that housekeeping instead, twice a second, and offers a
 * full compaction that leaves no page of deleted data in the file ({@link #compactFully}). On any other database,
 * and in memory, it does nothing.
 */
@Component
public class EmbeddedFileDatabase implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedFileDatabase.class);
    private static final long HOUSEKEEPING_MILLIS = 500;
    /** H2's own threshold: chunks are rewritten and moved when the file is less full than this. */
    private static final int AUTO_COMPACT_FILL_RATE = 90;
    private static final int REWRITE_BYTES = 4 * 1024 * 1024;
    /** A chunk with any page no longer in use is below this fill rate, so it is rewritten. */
    private static final int EVERY_CHUNK_WITH_DEAD_PAGES = 101;

    private final DataSource dataSource;
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "h2-housekeeping");
        thread.setDaemon(true);
        return thread;
    });
    private volatile MVStore store;

    public EmbeddedFileDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @EventListener(ContextRefreshedEvent.class)
    public void start() {
        // Only when H2's own background writer is off (WRITE_DELAY=0): the two would compact the same file at once.
        if (store == null && fileStore().filter(mvStore -> mvStore.getAutoCommitDelay() == 0).isPresent()) {
            housekeeping.scheduleWithFixedDelay(this::keepHouse, HOUSEKEEPING_MILLIS, HOUSEKEEPING_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Rewrites the live pages of every chunk that also holds dead ones until none is left or {@code maxTime} is up,
     * then moves the chunks together and cuts the file after the last one, so that every old page is overwritten
     * or cut off. Writes wait while it runs. False when there is no H2 file database.
     */
    public boolean compactFully(Duration maxTime) {
        Optional<MVStore> found = fileStore();
        if (found.isEmpty()) {
            return false;
        }
        MVStore mvStore = found.get();
        RandomAccessStore chunks = (RandomAccessStore) mvStore.getFileStore();
        long before = chunks.size();
        long started = System.nanoTime();
        long stopAt = started + maxTime.toNanos();
        mvStore.commit();
        while (mvStore.compact(EVERY_CHUNK_WITH_DEAD_PAGES, REWRITE_BYTES) && System.nanoTime() < stopAt) {
            mvStore.commit();
        }
        mvStore.commit();
        chunks.compactMoveChunks(EVERY_CHUNK_WITH_DEAD_PAGES, Long.MAX_VALUE, mvStore);
        mvStore.sync();
        log.info("Database file compacted: {} KiB -> {} KiB in {} ms", before / 1024, chunks.size() / 1024,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return true;
    }

    /**
     * What H2's background writer would do: when the file is less than 90% full, rewrite sparse chunks and move
     * chunks together to shrink it. (Each commit already frees the space of dead chunks.) Only the store's own
     * locked operations are used, so this never races a commit.
     */
    private void keepHouse() {
        try {
            MVStore mvStore = store;
            if (mvStore == null || mvStore.isClosed()) {
                return;
            }
            RandomAccessStore chunks = (RandomAccessStore) mvStore.getFileStore();
            if (chunks.getFillRate() < AUTO_COMPACT_FILL_RATE) {
                mvStore.compact(AUTO_COMPACT_FILL_RATE, REWRITE_BYTES);
                chunks.compactMoveChunks(AUTO_COMPACT_FILL_RATE, 2L * REWRITE_BYTES, mvStore);
            }
        } catch (RuntimeException e) {
            log.warn("H2 housekeeping failed; it runs again shortly", e);
        }
    }

    /** The store of the H2 file database behind the data source, if that is what it is. */
    private Optional<MVStore> fileStore() {
        if (store != null && !store.isClosed()) {
            return Optional.of(store);
        }
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isWrapperFor(JdbcConnection.class)
                    && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session) {
                MVStore mvStore = session.getDatabase().getStore().getMvStore();
                FileStore<?> file = mvStore.getFileStore();
                if (file instanceof RandomAccessStore) {
                    store = mvStore;
                    return Optional.of(mvStore);
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not reach the database to look at its file", e);
        }
    }

    @Override
    public void destroy() {
        housekeeping.shutdownNow();
    }
}
