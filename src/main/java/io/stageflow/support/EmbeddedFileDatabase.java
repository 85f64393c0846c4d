package io.stageflow.support;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.FreeSpaceBitSet;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.h2.store.fs.FilePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Upkeep of the default profile's H2 file database, which its durable settings need. The URL sets
 * {@code WRITE_DELAY=0}, so that every commit is in the file before it is acknowledged; but H2 then stops its
 * background writer, which also rewrites sparse chunks, so that the live data would spread over more and more of
 * the file. This component does that housekeeping instead, twice a second, and offers a full compaction that leaves
 * no page of deleted data in the file ({@link #compactFully}). On any other database,
 * and in memory, it does nothing.
 */
@Component
public class EmbeddedFileDatabase implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedFileDatabase.class);
    private static final long HOUSEKEEPING_MILLIS = 500;
    /** H2's own threshold: chunks are rewritten when they are less live than this. */
    private static final int AUTO_COMPACT_FILL_RATE = 90;
    private static final int REWRITE_BYTES = 4 * 1024 * 1024;
    /** A chunk with any page no longer in use is below this fill rate, so it is rewritten. */
    private static final int EVERY_CHUNK_WITH_DEAD_PAGES = 101;
    private static final Field FREE_SPACE = freeSpaceField();
    /** H2's block: the unit of its file's free-space map (FileStore.BLOCK_SIZE, which is not public). */
    private static final int BLOCK = 4096;
    private static final int QUIET_ROUNDS = 5;
    private static final long QUIET_ROUND_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final DataSource dataSource;
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "h2-housekeeping");
        thread.setDaemon(true);
        return thread;
    });
    private volatile MVStore store;
    private volatile String url;

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
     * drops the chunks left with no live page, and then overwrites every free block of the file with zeros, so that
     * no old page survives anywhere in it. Writes wait while it runs. False when there is no H2 file database.
     *
     * <p>Chunks are never moved: H2 2.3.232's {@code compactMoveChunks} can place a moved chunk across the area it
     * frees (fixed upstream in h2database 8492b8c, not yet in a release Spring Boot manages), which trips an MVStore
     * assertion with {@code -ea} and would let a later chunk overwrite it without. So the file does not shrink; its
     * free blocks are reused by the next commits.
     */
    public boolean compactFully(Duration maxTime) {
        Optional<MVStore> found = fileStore();
        if (found.isEmpty()) {
            return false;
        }
        MVStore mvStore = found.get();
        RandomAccessStore chunks = (RandomAccessStore) mvStore.getFileStore();
        long started = System.nanoTime();
        long stopAt = started + maxTime.toNanos();
        long[] wiped = new long[1];
        mvStore.commit();
        // compact() tries the store's lock for 10 ms only, and answers false both when nothing is left to rewrite and
        // when a busy node held the lock: so "done" is several falses in a row, a moment apart.
        int nothingToRewrite = 0;
        while (nothingToRewrite < QUIET_ROUNDS && System.nanoTime() < stopAt) {
            if (mvStore.compact(EVERY_CHUNK_WITH_DEAD_PAGES, REWRITE_BYTES)) {
                mvStore.commit();
                nothingToRewrite = 0;
            } else {
                nothingToRewrite++;
                LockSupport.parkNanos(QUIET_ROUND_PAUSE_NANOS);
            }
        }
        mvStore.commit();
        // The chunks left with no live page are dropped, and every free block is wiped, under the store's lock.
        mvStore.executeFilestoreOperation(() -> {
            chunks.dropUnusedChunks();
            wiped[0] = zeroFreeBlocks(chunks);
        });
        log.info("Database file compacted: {} KiB, {} KiB of free blocks wiped, in {} ms", chunks.size() / 1024,
                wiped[0] / 1024, Duration.ofNanos(System.nanoTime() - started).toMillis());
        return true;
    }

    /**
     * Makes the node's next start compact the database file fully before it opens it
     * ({@link FullCompactionBeforeOpen}): called before an erasure commits, so that the old pages of the erased data
     * go even if the node is killed before {@link #compactFully} has run, or while H2's count of the pages in use is
     * not yet written. Does nothing on other databases.
     */
    public void markFullCompactionDue() {
        if (fileStore().isPresent()) {
            FullCompactionBeforeOpen.markDue(url);
        }
    }

    /**
     * Writes zeros over every block of the file that no chunk uses, as H2's own free-space map says; called with
     * the store locked, so that no commit allocates a block meanwhile. The map is not public in H2, hence the
     * reflection (pinned by EmbeddedDatabaseCompactionTest). Returns the bytes wiped.
     */
    private static long zeroFreeBlocks(RandomAccessStore chunks) {
        try {
            FreeSpaceBitSet free = (FreeSpaceBitSet) FREE_SPACE.get(chunks);
            long size = chunks.size();
            long wiped = 0;
            ByteBuffer zeros = ByteBuffer.allocate(BLOCK);
            try (FileChannel file = FilePath.get(chunks.getFileName()).open("rw")) {
                for (long pos = 0; pos + BLOCK <= size; pos += BLOCK) {
                    if (free.isFree(pos, BLOCK)) {
                        zeros.clear();
                        while (zeros.hasRemaining()) {
                            file.write(zeros, pos + zeros.position());
                        }
                        wiped += BLOCK;
                    }
                }
                file.force(false);
            }
            return wiped;
        } catch (IllegalAccessException | IOException e) {
            throw new IllegalStateException("Could not wipe the free blocks of " + chunks.getFileName(), e);
        }
    }

    /**
     * Part of what H2's background writer would do: when the chunks are less than 90% live, rewrite the sparse ones,
     * so that their space is freed. (Each commit frees the space of dead chunks, and the next chunks reuse it.)
     * Chunks are not moved (see {@link #compactFully}). Only the store's own locked operations are used, so this
     * never races a commit.
     */
    private void keepHouse() {
        try {
            MVStore mvStore = store;
            if (mvStore == null || mvStore.isClosed()) {
                return;
            }
            mvStore.compact(AUTO_COMPACT_FILL_RATE, REWRITE_BYTES);
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
                    url = connection.getMetaData().getURL();
                    store = mvStore;
                    return Optional.of(mvStore);
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not reach the database to look at its file", e);
        }
    }

    private static Field freeSpaceField() {
        try {
            Field field = RandomAccessStore.class.getDeclaredField("freeSpace");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("This H2 version keeps its free-space map elsewhere", e);
        }
    }

    @Override
    public void destroy() {
        housekeeping.shutdownNow();
    }
}
