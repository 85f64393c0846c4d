package io.stageflow.segments;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a segment's members in id order ({@link Segments#split}), reading a large customer table with several
 * connections at once: a rule on a trait reads every customer's JSON, one core of the database for about a second
 * a million customers, while a broadcast's request waits for the split. With at least {@code sliceMin} customers a
 * slice (by the database's estimate), the customers are cut by primary key into up to {@code threads} slices of
 * about equal size, one query each at the cuts, and each slice's members are read on a connection of its own; the
 * slices' samples are then split as one ({@link MemberSample#ranges(List, int)}), so the result is the split of one
 * read. A slice no thread is free for is read on the caller's thread.
 */
final class SegmentSplit implements AutoCloseable {

    /** Customers a slice has at least: below that, a read of the whole table takes a few tenths of a second. */
    static final long SLICE_MIN = 200_000;

    private final SegmentStore store;
    private final SqlDialect dialect;
    private final int threads;
    private final long sliceMin;
    private final ThreadPoolExecutor readers;

    SegmentSplit(SegmentStore store, SqlDialect dialect, int threads, long sliceMin) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.store = store;
        this.dialect = dialect;
        this.threads = threads;
        this.sliceMin = sliceMin;
        AtomicInteger count = new AtomicInteger();
        this.readers = new ThreadPoolExecutor(0, Math.max(1, threads - 1), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), work -> {
                    Thread thread = new Thread(work, "segment-split-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** The members of the segment ({@code where}) split into up to {@code parts} ranges, as {@link Segments#split}. */
    Segments.IdRanges split(Sql where, int parts) {
        List<String> cuts = cuts();
        if (cuts.isEmpty()) {
            return store.sample(where, null, null, dialect.streamingFetchSize()).ranges(parts);
        }
        List<CompletableFuture<MemberSample>> slices = new ArrayList<>();
        for (int i = 1; i <= cuts.size(); i++) {
            String from = cuts.get(i - 1);
            String before = i < cuts.size() ? cuts.get(i) : null;
            slices.add(CompletableFuture.supplyAsync(
                    () -> store.sample(where, from, before, dialect.streamingFetchSize()), readers));
        }
        // The first slice on this thread, in its transaction, while the others are read.
        List<MemberSample> samples = new ArrayList<>();
        samples.add(store.sample(where, null, cuts.get(0), dialect.streamingFetchSize()));
        try {
            slices.forEach(slice -> samples.add(slice.join()));
        } catch (CompletionException failed) {
            if (failed.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw failed;
        }
        return MemberSample.ranges(samples, parts);
    }

    /** Where the slices after the first start, in id order: none when the table is too small to read in slices. */
    List<String> cuts() {
        long customers = store.estimateCustomers(dialect.customerCountEstimate());
        int slices = (int) Math.min(threads, customers / Math.max(1, sliceMin));
        List<String> cuts = new ArrayList<>();
        for (int i = 1; i < slices; i++) {
            String cut = store.customerAt(customers * i / slices);
            if (cut == null) {
                break; // fewer customers than the estimate: the slices so far, the last to the end
            }
            cuts.add(cut);
        }
        return cuts;
    }

    /** Stops the reading threads (the application is stopping). */
    @Override
    public void close() {
        readers.shutdownNow();
    }
}
