package io.stageflow.privacy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.stageflow.customers.CustomerErased;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * H2 never overwrites a row in place: a deleted customer's old pages stay in the database file until their space
 * is reused, which may be never. So after an erasure is committed, the file is compacted: every chunk that holds a
 * page no longer in use is rewritten, the chunks are moved together and the file is cut after the last one, so the
 * old pages are overwritten or cut off. Erasures within {@code stageflow.privacy.compact-after} share one
 * compaction. Does nothing on other databases (MariaDB: see docs/privacy.md) or in memory.
 */
@Component
class EmbeddedDatabaseCompaction implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseCompaction.class);
    private static final int CHUNK_REWRITE_BYTES = 16 * 1024 * 1024;
    /** A chunk with any page no longer in use is below this fill rate, so it is rewritten. */
    private static final int EVERY_CHUNK_WITH_DEAD_PAGES = 101;

    private final DataSource dataSource;
    private final PrivacyProperties settings;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "erasure-compaction");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();

    EmbeddedDatabaseCompaction(DataSource dataSource, PrivacyProperties settings) {
        this.dataSource = dataSource;
        this.settings = settings;
    }

    @TransactionalEventListener
    void customerErased(CustomerErased erased) {
        if (scheduled.compareAndSet(false, true)) {
            scheduler.schedule(this::compactNow, settings.compactAfter().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void compactNow() {
        scheduled.set(false);
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isWrapperFor(JdbcConnection.class)
                    || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
                return;
            }
            MVStore store = session.getDatabase().getStore().getMvStore();
            FileStore<?> file = store.getFileStore();
            if (!(file instanceof RandomAccessStore chunks)) {
                return; // in memory: nothing on disk
            }
            long before = file.size();
            long started = System.nanoTime();
            compact(store, chunks, settings.compactFor());
            log.info("Database file compacted after an erasure: {} KiB -> {} KiB in {} ms", before / 1024,
                    file.size() / 1024, Duration.ofNanos(System.nanoTime() - started).toMillis());
        } catch (SQLException | RuntimeException e) {
            log.error("Compacting the database file after an erasure failed; the erased data may remain in it until"
                    + " the next erasure or a restart with SHUTDOWN COMPACT", e);
        }
    }

    /**
     * Rewrites the live pages of every chunk that also holds dead ones, until none is left or the time is up, then
     * drops the emptied chunks, moves the rest to the front and cuts the file. Old chunks are released at once
     * (retention time 0), as H2's own compaction does.
     */
    private static void compact(MVStore store, RandomAccessStore chunks, Duration maxTime) {
        long stopAt = System.nanoTime() + maxTime.toNanos();
        store.setRetentionTime(0);
        store.commit();
        while (store.compact(EVERY_CHUNK_WITH_DEAD_PAGES, CHUNK_REWRITE_BYTES) && System.nanoTime() < stopAt) {
            store.commit();
        }
        store.commit();
        store.sync();
        chunks.compactMoveChunks(EVERY_CHUNK_WITH_DEAD_PAGES, Long.MAX_VALUE, store);
        store.sync();
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
