package io.stageflow.support;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A background thread that drains a database-backed queue: it polls while there is work, then waits for
 * {@code idleWait} or until {@link #wakeUp()} says new work was committed on this node. Other nodes find
 * the work on their next poll, so correctness never depends on the wake-up. A worker with a {@code gather} window
 * lets work gather that long after a wake-up before it polls, so that a steady stream of small commits (a burst of
 * email opens, each batch adding a few events) is drained in a few large passes rather than one small pass per commit.
 */
public final class PollingWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PollingWorker.class);

    private final String name;
    private final Duration idleWait;
    private final Duration gather;
    private final BooleanSupplier pollOnce;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean wakeRequested;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param pollOnce does one batch of work and returns whether it found any (then it is called again at once)
     */
    public PollingWorker(String name, Duration idleWait, BooleanSupplier pollOnce) {
        this(name, idleWait, Duration.ZERO, pollOnce);
    }

    /**
     * @param gather   how long to let work gather after a wake-up before polling (zero: poll at once)
     * @param pollOnce does one batch of work and returns whether more may be waiting (then it is called again at once)
     */
    public PollingWorker(String name, Duration idleWait, Duration gather, BooleanSupplier pollOnce) {
        this.name = name;
        this.idleWait = idleWait;
        this.gather = gather;
        this.pollOnce = pollOnce;
    }

    /** Asks the worker to poll now instead of waiting out its idle interval. */
    public void wakeUp() {
        lock.lock();
        try {
            wakeRequested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Wakes the worker once the current transaction commits (at once when there is none), so it never polls
     * for work that is not visible yet, and never for work that was rolled back.
     */
    public void wakeUpAfterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            wakeUp();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                wakeUp();
            }
        });
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        wakeUp();
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after the engine and the rest of the context, stops before them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }

    private void loop() {
        Duration wait = idleWait;
        while (running) {
            boolean foundWork = false;
            try {
                foundWork = pollOnce.getAsBoolean();
                wait = idleWait;
            } catch (RuntimeException e) {
                // The database may be briefly unavailable; back off up to 30 s and keep going.
                log.warn("{} poll failed; retrying in {}", name, wait, e);
                wait = min(wait.multipliedBy(2), Duration.ofSeconds(30));
            }
            if (!foundWork && running && awaitWakeUp(wait) && !gather.isZero()) {
                awaitStop(gather);
            }
        }
    }

    /** Waits for a wake-up or the wait's end; whether it was woken up. */
    private boolean awaitWakeUp(Duration wait) {
        lock.lock();
        try {
            long left = wait.toNanos();
            while (!wakeRequested && running && left > 0) {
                left = wake.awaitNanos(left);
            }
            boolean woken = wakeRequested;
            wakeRequested = false;
            return woken;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Lets work gather for {@code pause}, ending early only when the worker stops. */
    private void awaitStop(Duration pause) {
        lock.lock();
        try {
            long left = pause.toNanos();
            while (running && left > 0) {
                left = wake.awaitNanos(left);
            }
            wakeRequested = false; // the pass that follows takes whatever was committed meanwhile
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
