package io.stageflow.jobs;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonValue;

import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.item.ExecutionContext;

/**
 * Where a batch job stands, as {@code GET /api/v1/jobs/{id}} shows it and the progress log says it: counts of
 * this execution, and, when the job knows its total ({@code rows}), the rate and an estimate of the time left.
 * {@code position} is how many rows of the input are done as of the last committed chunk, over all executions of
 * the job (a restart goes on from there), when its kind names the reader's position ({@link ProgressKeys}), and
 * otherwise what it read; {@code resumedAt} is where this execution started. Built from Spring Batch's own
 * counters, so it works for any job; the counts a kind keeps of its own (the import's {@code created}, ...) come
 * from its {@link ProgressKeys} and are shown after {@code skipped}, as fields of their own.
 */
public record JobProgress(
        long id,
        long instanceId,
        String job,
        String status,
        String exitCode,
        Instant startedAt,
        Instant endedAt,
        Long rows,
        long position,
        long resumedAt,
        long read,
        long written,
        long skipped,
        Map<String, Long> counts,
        Map<String, Long> outcomes,
        Double rowsPerSecond,
        Long secondsLeft,
        List<Partition> partitions) {

    /** One partition of a partitioned step (a broadcast's id range): where it runs or ran, and how far it got. */
    public record Partition(String name, String node, String status, long read, long written) {

        static Partition of(StepExecution step) {
            Object node = step.getExecutionContext().get(NODE);
            return new Partition(step.getStepName().substring(step.getStepName().indexOf(':') + 1),
                    node instanceof String name ? name : null, step.getStatus().name(),
                    step.getReadCount(), step.getWriteCount());
        }

        /** An earlier execution of the same partition and the one after it, taken together: the later one's node and status. */
        Partition add(Partition later) {
            return new Partition(name, later.node != null ? later.node : node, later.status, read + later.read,
                    written + later.written);
        }
    }

    /** The job parameter that holds how many data rows the job will read, when it knows. */
    public static final String ROWS = "rows";
    /** Step context of a partition: the node that ran (or runs) it. */
    public static final String NODE = "stageflow.node";
    /** Step context: where this execution of the step started reading. */
    static final String RESUMED_AT = "progress.resumedAt";

    /** Where the job stands, with what its kind reports beyond Spring Batch's counters. */
    public static JobProgress of(JobExecution execution, Instant now, ProgressKeys keys) {
        long read = 0;
        long written = 0;
        long skipped = 0;
        long position = 0;
        long resumedAt = 0;
        boolean positioned = false;
        Map<String, Long> counts = new LinkedHashMap<>();
        Instant stepStart = null;
        Map<String, Long> outcomes = new TreeMap<>();
        List<String> names = execution.getStepExecutions().stream().map(StepExecution::getStepName).toList();
        // A partition handed from one node to another has several executions in one job execution; the latest one's
        // context carries the partition's totals so far, the earlier ones' counts are their own.
        Map<String, StepExecution> latest = new TreeMap<>();
        Map<String, Partition> partitions = new TreeMap<>();
        for (StepExecution step : execution.getStepExecutions()) {
            latest.merge(step.getStepName(), step, (a, b) -> a.getId() > b.getId() ? a : b);
        }
        for (StepExecution step : execution.getStepExecutions()) {
            if (isManager(step, names)) {
                // A partitioned step's manager adds up its workers' counts when they are done: not counted twice.
                continue;
            }
            read += step.getReadCount() + step.getReadSkipCount();
            written += step.getWriteCount();
            skipped += step.getSkipCount();
            if (step.getStepName().contains(":")) {
                partitions.merge(step.getStepName(), Partition.of(step), Partition::add);
            }
            if (latest.get(step.getStepName()) != step) {
                continue;
            }
            ExecutionContext context = step.getExecutionContext();
            if (keys.position() != null && context.containsKey(keys.position())) {
                positioned = true;
                position += number(context, keys.position());
            }
            resumedAt += number(context, RESUMED_AT);
            for (ProgressKeys.Count count : keys.counts()) {
                if (context.containsKey(count.key())) {
                    counts.merge(count.field(), number(context, count.key()), Long::sum);
                }
            }
            for (Map.Entry<String, Object> entry : context.entrySet()) {
                if (entry.getKey().startsWith(Outcomes.PREFIX) && entry.getValue() instanceof Number n) {
                    outcomes.merge(entry.getKey().substring(Outcomes.PREFIX.length()), n.longValue(), Long::sum);
                }
            }
            Instant started = instant(step.getStartTime());
            if (stepStart == null || (started != null && started.isBefore(stepStart))) {
                stepStart = started;
            }
        }
        Long rows = execution.getJobParameters().getLong(ROWS);
        // The reader counts its final end-of-file read too; nothing is past resumedAt + read.
        position = positioned ? Math.min(position, resumedAt + read) : read;
        Instant endedAt = instant(execution.getEndTime());
        Double rate = null;
        Long secondsLeft = null;
        if (stepStart != null) {
            double seconds = Duration.between(stepStart, endedAt == null ? now : endedAt).toMillis() / 1000.0;
            if (seconds > 0 && read > 0) {
                rate = Math.round(read / seconds * 10) / 10.0;
                if (rows != null && endedAt == null) {
                    secondsLeft = (long) Math.ceil(Math.max(0, rows - position) / rate);
                }
            }
        }
        if (rows != null && endedAt != null) {
            secondsLeft = 0L; // even when the rate could not be measured
        }
        // Every count of the kind, in its order; one no step keeps shows its absent value.
        Map<String, Long> allCounts = new LinkedHashMap<>();
        for (ProgressKeys.Count count : keys.counts()) {
            allCounts.put(count.field(), counts.getOrDefault(count.field(), count.absent()));
        }
        return new JobProgress(execution.getId(), execution.getJobInstance().getInstanceId(),
                execution.getJobInstance().getJobName(), execution.getStatus().name(),
                execution.getExitStatus().getExitCode(), instant(execution.getStartTime()), endedAt, rows, position, resumedAt,
                read, written, skipped, allCounts, outcomes.isEmpty() ? null : outcomes, rate,
                secondsLeft, partitions.isEmpty() ? null : List.copyOf(partitions.values()));
    }

    /** One of the counts of the job's kind ({@link ProgressKeys.Count#field}), or null. */
    public Long count(String field) {
        return counts.get(field);
    }

    /** The JSON answer: the fields in their order, the kind's counts as fields of their own after {@code skipped}. */
    @JsonValue
    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("instanceId", instanceId);
        json.put("job", job);
        json.put("status", status);
        json.put("exitCode", exitCode);
        json.put("startedAt", startedAt);
        json.put("endedAt", endedAt);
        json.put("rows", rows);
        json.put("position", position);
        json.put("resumedAt", resumedAt);
        json.put("read", read);
        json.put("written", written);
        json.put("skipped", skipped);
        json.putAll(counts);
        json.put("outcomes", outcomes);
        json.put("rowsPerSecond", rowsPerSecond);
        json.put("secondsLeft", secondsLeft);
        json.put("partitions", partitions);
        return json;
    }

    /**
     * The manager of a partitioned step: Spring Batch keeps the grid size in its context, and names its partitions'
     * step executions {@code <name>:<partition>}.
     */
    private static boolean isManager(StepExecution step, List<String> names) {
        if (step.getExecutionContext().containsKey(GRID_SIZE)) {
            return true;
        }
        String prefix = step.getStepName() + ":";
        return names.stream().anyMatch(name -> name.startsWith(prefix));
    }

    private static final String GRID_SIZE = "SimpleStepExecutionSplitter.GRID_SIZE";

    /** A count kept in an execution context, which holds it as an int or a long depending on who wrote it. */
    private static long number(ExecutionContext context, String key) {
        return context.get(key) instanceof Number n ? n.longValue() : 0;
    }

    /** Spring Batch keeps its times as local date-times of the JVM's zone. */
    private static Instant instant(LocalDateTime time) {
        return time == null ? null : time.atZone(ZoneId.systemDefault()).toInstant();
    }
}
