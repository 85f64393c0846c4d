package io.stageflow.jobs;

import java.util.List;

/**
 * Where a kind of job keeps, in its steps' execution contexts, what {@link JobProgress} reports beyond Spring
 * Batch's counters: the reader's committed position in its input ({@code position}, such as a file reader's
 * {@code <reader>.read.count}; none when the job has no such position) and counts of its own (the import's
 * customers created, updated and unchanged, and the lines of its error report).
 */
public record ProgressKeys(String position, List<Count> counts) {

    /** Nothing beyond Spring Batch's counters. */
    public static final ProgressKeys NONE = new ProgressKeys(null, List.of());

    public ProgressKeys {
        counts = List.copyOf(counts);
    }

    /**
     * A count {@link JobProgress} shows as {@code field}: the sum of the {@code key} of each step's context, or
     * {@code absent} when no step of the job keeps it (another kind of job).
     */
    public record Count(String field, String key, Long absent) {
    }
}
