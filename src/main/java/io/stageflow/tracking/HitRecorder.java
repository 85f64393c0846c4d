package io.stageflow.tracking;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * broadcast costs one commit per batch rather than one per request. A click comes as it was asked for: the writer
 * reads where the links of its batch lead that this node does not hold in memory with one query ({@link
 * ClickTargets}), in the batch's own transaction, so even the first clicks on a broadcast's links cost no read per
 * request. A writer takes whatever has queued while it was
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

    /** Records the open durably; false when it could not be (the caller answers 503). */
    boolean record(Engagement.Hit open) {
        return submit(new Pending(open, null, new CompletableFuture<>())).status() == Status.ON_DISK;
    }

    /** Finds where the click's link leads, classifies the click and records it durably. */
    Recorded record(Engagement.Click click) {
        return submit(new Pending(null, click, new CompletableFuture<>()));
    }

    private Recorded submit(Pending pending) {
        if (!running) {
            return new Recorded(null, Status.NOT_RECORDED);
        }
        queue.add(pending);
        try {
            return pending.done().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Recorded(null, Status.NOT_RECORDED);
        } catch (Exception e) {
            return new Recorded(null, Status.NOT_RECORDED);
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
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                batch.forEach(pending -> pending.done().complete(new Recorded(null, Status.NOT_RECORDED)));
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Records the batch, tried twice, and answers each of its requests: on disk; no such link (a click); or, when it
     * could not be recorded, not recorded.
     */
    private void write(List<Pending> batch) {
        List<Engagement.Hit> opens = batch.stream().map(Pending::hit).filter(Objects::nonNull).toList();
        List<Engagement.Click> clicks = batch.stream().map(Pending::click).filter(Objects::nonNull).toList();
        List<Optional<Engagement.Hit>> resolved = commit(opens, clicks);
        if (resolved == null) {
            resolved = commit(opens, clicks);
        }
        int next = 0;
        for (Pending pending : batch) {
            Recorded recorded;
            if (resolved == null) {
                recorded = new Recorded(null, Status.NOT_RECORDED);
            } else if (pending.click() == null) {
                recorded = new Recorded(pending.hit(), Status.ON_DISK);
            } else {
                recorded = resolved.get(next++).map(hit -> new Recorded(hit, Status.ON_DISK))
                        .orElseGet(() -> new Recorded(null, Status.NO_SUCH_LINK));
            }
            pending.done().complete(recorded);
        }
    }

    /** Each click resolved, with the batch on disk; null when it could not be recorded. */
    private List<Optional<Engagement.Hit>> commit(List<Engagement.Hit> opens, List<Engagement.Click> clicks) {
        try {
            return engagement.recordAll(opens, clicks);
        } catch (RuntimeException e) {
            log.warn("Could not record {} opens and {} clicks: {}", opens.size(), clicks.size(), e.toString());
            return null;
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

    /** What became of a hit: on disk, not recorded (the database failing), or no recorded link's (a click). */
    enum Status { ON_DISK, NOT_RECORDED, NO_SUCH_LINK }

    /**
     * A hit as recorded, and whether it is on disk.
     *
     * @param hit the open, or the click with where it leads; null when the click's link is not recorded, or where it
     *            leads could not be read
     */
    record Recorded(Engagement.Hit hit, Status status) {
    }

    /** An open (its hit) or a click as it came in, and the request waiting for it. */
    private record Pending(Engagement.Hit hit, Engagement.Click click, CompletableFuture<Recorded> done) {
    }
}
