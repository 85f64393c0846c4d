package io.stageflow.broadcasts;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.stageflow.delivery.MessageFigure;
import io.stageflow.jobs.JobControl;
import io.stageflow.jobs.JobProgress;
import io.stageflow.support.Tallies;
import io.stageflow.web.TimeLeft;

import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobInstance;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.stereotype.Component;

/**
 * How a broadcast is doing, for the console: its job's progress through the segment (queued so far, the rate, the
 * time left) from Spring Batch's counters, and what became of its emails (sent, suppressed, still waiting) from
 * the message tallies of its sender {@code broadcast:<id>}, which count each change in the transaction that made it.
 */
@Component
class BroadcastReports {

    /** The tallies are read from a day before the broadcast was requested, to a year and more after it. */
    private static final Duration BEFORE = Duration.ofDays(1);
    private static final Duration AFTER = Duration.ofDays(400);

    private final JobExplorer explorer;
    private final JobControl jobs;
    private final Tallies tallies;
    private final Broadcasts broadcasts;

    BroadcastReports(JobExplorer explorer, JobControl jobs, Tallies tallies, Broadcasts broadcasts) {
        this.explorer = explorer;
        this.jobs = jobs;
        this.tallies = tallies;
        this.broadcasts = broadcasts;
    }

    /** The latest {@code limit} broadcasts, newest first, each as its latest execution stands. */
    List<BroadcastReport> recent(int limit) {
        return explorer.getJobInstances(BroadcastJobConfiguration.JOB, 0, limit).stream()
                .map(this::latest).flatMap(Optional::stream).map(this::report)
                .sorted(Comparator.comparingLong(BroadcastReport::executionId).reversed()).toList();
    }

    Optional<BroadcastReport> find(long executionId) {
        return broadcasts.find(executionId).map(this::report);
    }

    private Optional<JobExecution> latest(JobInstance instance) {
        return explorer.getJobExecutions(instance).stream().max(Comparator.comparingLong(JobExecution::getId));
    }

    BroadcastReport report(JobExecution execution) {
        JobProgress progress = jobs.progress(execution);
        var parameters = execution.getJobParameters();
        String broadcast = parameters.getString(BroadcastJobConfiguration.BROADCAST);
        String template = parameters.getString(BroadcastJobConfiguration.TEMPLATE);
        Instant requested = Instant.parse(parameters.getString(BroadcastJobConfiguration.REQUESTED_AT));
        String sender = MessageFigure.sender(null, "broadcast:" + broadcast);
        Map<String, Long> figures = tallies.totals(MessageFigure.SERIES, template, null, requested.minus(BEFORE),
                        requested.plus(AFTER), false).stream()
                .filter(total -> sender.equals(total.tally().element()))
                .collect(Collectors.toMap(total -> total.tally().figure(), Tallies.Total::amount, Long::sum));
        long queued = figures.getOrDefault(MessageFigure.QUEUED.name(), 0L);
        long sent = figures.getOrDefault(MessageFigure.SENT.name(), 0L);
        long suppressed = figures.entrySet().stream().filter(figure -> figure.getKey().startsWith("SUPPRESSED_"))
                .mapToLong(Map.Entry::getValue).sum();
        long failed = figures.getOrDefault(MessageFigure.FAILED.name(), 0L)
                + figures.getOrDefault(MessageFigure.OUTCOME_UNKNOWN.name(), 0L);
        long skipped = figures.getOrDefault(MessageFigure.SKIPPED.name(), 0L);
        long waiting = Math.max(0, queued - sent - suppressed - failed - skipped);
        String name = parameters.getString(BroadcastJobConfiguration.NAME);
        // A resumed broadcast goes on where the earlier runs stopped: how far it is counts theirs too.
        long position = progress.position();
        for (JobExecution earlier : explorer.getJobExecutions(execution.getJobInstance())) {
            if (earlier.getId() < execution.getId()) {
                position += jobs.progress(earlier).read();
            }
        }
        return new BroadcastReport(execution.getId(), broadcast, name == null || name.isBlank() ? broadcast : name,
                parameters.getString(BroadcastJobConfiguration.SEGMENT), template,
                parameters.getString(BroadcastJobConfiguration.CATEGORY).toLowerCase(java.util.Locale.ROOT),
                progress.status(), progress.startedAt(), progress.endedAt(), progress.rows(), position,
                queued, sent, suppressed, failed + skipped, waiting, progress.rowsPerSecond(), progress.secondsLeft());
    }

    /**
     * One broadcast's job execution as the console shows it.
     *
     * @param position   customers of the segment gone through (queued, or queued before), by this run and the runs it
     *                   resumed
     * @param queued     emails queued for the broadcast (any run of it)
     * @param suppressed emails not sent for consent, an unsubscribe, a complaint, a bounce or an erasure
     * @param failed     emails given up on, or with no address to send to
     * @param waiting    emails queued and not yet sent or given up (pacing, the frequency cap, quiet hours, retries)
     */
    record BroadcastReport(long executionId, String broadcast, String name, String segment, String template,
            String category, String status, Instant startedAt, Instant endedAt, Long rows, long position, long queued,
            long sent, long suppressed, long failed, long waiting, Double rate, Long secondsLeft) {

        public boolean running() {
            return endedAt == null && !"STOPPED".equals(status) && !"FAILED".equals(status)
                    && !"COMPLETED".equals(status) && !"ABANDONED".equals(status);
        }

        /** Stopped or failed: its partitions that did not complete can go on from their last commit. */
        public boolean resumable() {
            return "STOPPED".equals(status) || "FAILED".equals(status);
        }

        /** Nothing will change any more: the job ended and no email of it is waiting. */
        public boolean finished() {
            return !running() && waiting == 0 && !"STOPPING".equals(status);
        }

        /** How far through the segment, 0 to 100. */
        public int percent() {
            if (rows == null || rows == 0) {
                return "COMPLETED".equals(status) ? 100 : 0;
            }
            return (int) Math.min(100, position * 100 / rows);
        }

        public long total() {
            return rows == null ? position : rows;
        }

        /** When it started, in UTC, for a page whose script shows it in the user's own zone. */
        public String startedUtc() {
            return startedAt == null ? null : BroadcastPages.UTC.format(startedAt);
        }

        /** The time left to go through the segment, as people read it ("2 min 5 s"), or null when unknown. */
        public String timeLeft() {
            return TimeLeft.inWords(secondsLeft);
        }
    }
}
