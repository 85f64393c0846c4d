package io.stageflow.tracking;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Group commit for opens and clicks: each request hands its hit to a writer thread and waits until the transaction
 * that holds it has committed, so a pixel or a redirect is answered only once its hit is on disk, yet a burst after a
 * broadcast costs one commit per batch rather than one per request. A writer takes whatever has queued while it was
 * committing its last batch (up to {@link #MAX_BATCH}); with two writers ({@code stageflow.tracking.writers}) one
 * gathers and writes a batch while the other waits for its commit. Batches lock their emails in id order, so two
 * writers (or two nodes) never wait on each other in a circle. A batch that fails is tried once more; then its
 * requests are told so (and answer 503) rather than losing a hit silently.
 */
@Component
class HitRecorder implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HitRecorder.class);
    static final int MAX_BATCH = 1_000;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final Engagement engagement;
    private final int writerCount;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running;

    HitRecorder(Engagement engagement, TrackingProperties settings) {
        this.engagement = engagement;
        this.writerCount = Math.max(1, settings.writers());
    }

    /** Records the hit durably; false when it could not be (the caller answers 503). */
    boolean record(Engagement.Hit hit) {
        if (!running) {
            return false;
        }
        Pending pending = new Pending(hit, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.done().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private void write() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean written = commit(batch) || commit(batch);
                batch.forEach(pending -> pending.done().complete(written));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                batch.forEach(pending -> pending.done().complete(false));
            } finally {
                batch.clear();
            }
        }
    }

    private boolean commit(List<Pending> batch) {
        try {
            engagement.recordAll(batch.stream().map(Pending::hit).toList());
            return true;
        } catch (RuntimeException e) {
            log.warn("Could not record {} opens and clicks: {}", batch.size(), e.toString());
            return false;
        }
    }

    @Override
    public synchronized void start() {
        running = true;
        for (int i = 0; i < writerCount; i++) {
            Thread writer = new Thread(this::write, "tracking-hits-" + (i + 1));
            writer.setDaemon(true);
            writer.start();
            writers.add(writer);
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        try {
            for (Thread writer : writers) {
                writer.join(PATIENCE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writers.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private record Pending(Engagement.Hit hit, CompletableFuture<Boolean> done) {
    }
}
