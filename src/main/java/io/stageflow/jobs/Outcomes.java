package io.stageflow.jobs;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.batch.item.ExecutionContext;

/**
 * What a job's writer did with its items, counted per outcome (for the scan: started, already sent, in win-back;
 * for a broadcast: queued, queued before) in the step's execution context, which commits with each chunk, so the
 * counts stay right across a restart. {@link JobProgress} shows them as {@code outcomes}.
 */
public final class Outcomes {

    static final String PREFIX = "outcome.";

    private final Map<String, Long> counts = new LinkedHashMap<>();

    public Outcomes(String... names) {
        for (String name : names) {
            counts.put(name, 0L);
        }
    }

    public synchronized void add(String name, long count) {
        counts.merge(name, count, Long::sum);
    }

    public synchronized void open(ExecutionContext context) {
        counts.replaceAll((name, zero) -> context.getLong(PREFIX + name, 0));
    }

    public synchronized void update(ExecutionContext context) {
        counts.forEach((name, count) -> context.putLong(PREFIX + name, count));
    }
}
