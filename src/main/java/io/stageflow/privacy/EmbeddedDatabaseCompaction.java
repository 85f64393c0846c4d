package io.stageflow.privacy;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.stageflow.customers.CustomerErased;
import io.stageflow.support.EmbeddedFileDatabase;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * H2 never overwrites a row in place: a deleted customer's old pages stay in the database file until their space
 * is reused, which may be never. So after an erasure is committed, the file is compacted fully
 * ({@link EmbeddedFileDatabase#compactFully}), which overwrites or cuts off every old page. Erasures within
 * {@code stageflow.privacy.compact-after} share one compaction. Before an erasure commits, the node's next start is
 * also told to compact the file fully before opening it ({@link EmbeddedFileDatabase#markFullCompactionDue}), which
 * also covers a node that stopped before it got to it. Does nothing on other databases (MariaDB: see
 * docs/privacy.md) or in memory.
 */
@Component
class EmbeddedDatabaseCompaction implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseCompaction.class);

    private final EmbeddedFileDatabase database;
    private final PrivacyProperties settings;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "erasure-compaction");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Whether the compaction under way is the first of its two passes. */
    private final AtomicBoolean secondPassDue = new AtomicBoolean();

    EmbeddedDatabaseCompaction(EmbeddedFileDatabase database, PrivacyProperties settings) {
        this.database = database;
        this.settings = settings;
    }

    /** Before the erasure is on disk: should this node stop before it compacts, its next start does it. */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void customerErasing(CustomerErased erased) {
        database.markFullCompactionDue();
    }

    @TransactionalEventListener
    void customerErased(CustomerErased erased) {
        schedule();
    }

    private void schedule() {
        secondPassDue.set(true);
        if (scheduled.compareAndSet(false, true)) {
            scheduler.schedule(this::compactNow, settings.compactAfter().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Compacts, and once more after the same delay: a pass that runs while the node is busy (recovering at start-up,
     * or under load) can find the store's lock taken often enough to end before every old page was rewritten, and a
     * later, calmer pass takes what it left (seen once in a crash test: an erased address still in the file).
     */
    void compactNow() {
        scheduled.set(false);
        boolean again = secondPassDue.getAndSet(false);
        try {
            database.compactFully(settings.compactFor());
        } catch (RuntimeException e) {
            log.error("Compacting the database file after an erasure failed; the erased data may remain in it until"
                    + " the next erasure's compaction or a SHUTDOWN COMPACT", e);
        }
        if (again && scheduled.compareAndSet(false, true)) {
            scheduler.schedule(this::compactNow, settings.compactAfter().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
