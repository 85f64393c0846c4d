package io.stageflow.jobs;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ChunkListener;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;

/**
 * Logs a running job's progress at most once per interval (after a committed chunk), and a summary when the
 * step ends, so an operator tailing the log sees it move without a line per chunk. Counts only: no row data.
 * Times are the system clock's, as Spring Batch's own timestamps are, not the business clock tests move.
 * A job's configuration adds one to its step as a chunk and step listener.
 */
public final class ProgressLog implements ChunkListener, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(ProgressLog.class);

    private final Duration interval;
    /** How the log names the job: "Import job", "Inactivity scan", "Broadcast". */
    private final String label;
    private final ProgressKeys keys;
    private Instant lastLogged = Instant.now();

    /**
     * @param label how the log names the job
     * @param keys what the job's kind reports beyond Spring Batch's counters ({@link JobKind#progress})
     */
    public ProgressLog(Duration interval, String label, ProgressKeys keys) {
        this.interval = interval;
        this.label = label;
        this.keys = keys;
    }

    @Override
    public void beforeStep(StepExecution step) {
        lastLogged = Instant.now();
        Object saved = keys.position() == null ? null : step.getExecutionContext().get(keys.position());
        step.getExecutionContext().putLong(JobProgress.RESUMED_AT, saved instanceof Number n ? n.longValue() : 0);
        JobProgress progress = JobProgress.of(step.getJobExecution(), lastLogged, keys);
        if (progress.resumedAt() > 0) {
            log.info("{} {} restarted: {} rows, going on after row {}, the last committed", label, progress.id(),
                    orUnknown(progress.rows()), progress.resumedAt());
        } else {
            log.info("{} {} started: {} rows", label, progress.id(), orUnknown(progress.rows()));
        }
    }

    @Override
    public void afterChunk(ChunkContext context) {
        Instant now = Instant.now();
        if (Duration.between(lastLogged, now).compareTo(interval) >= 0) {
            lastLogged = now;
            JobProgress p = JobProgress.of(context.getStepContext().getStepExecution().getJobExecution(), now, keys);
            log.info("{} {}: {} of {} rows read ({} in this run), {} written, {} skipped, {} rows/s, about {} s left",
                    label, p.id(), p.position(), orUnknown(p.rows()), p.read(), p.written(),
                    p.skipped(), orUnknown(p.rowsPerSecond()), orUnknown(p.secondsLeft()));
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution step) {
        JobProgress p = JobProgress.of(step.getJobExecution(), Instant.now(), keys);
        if (keys.counts().isEmpty()) {
            // A partition can end before the job has a rate or any outcome to report (its manager adds them up).
            log.info("{} {} step {} ended {}: this step read {} and wrote {}; the job so far: {} rows/s, outcomes {}", label, p.id(),
                    step.getStepName(), step.getStatus(), step.getReadCount(), step.getWriteCount(),
                    orUnknown(p.rowsPerSecond()), p.outcomes() == null ? "none yet" : p.outcomes());
            return null;
        }
        log.info("{} {} step ended {}: {} of {} rows done; this run read {} and wrote {} at {} rows/s; in all {}",
                label, p.id(), step.getStatus(), p.position(), orUnknown(p.rows()), p.read(),
                p.written(), orUnknown(p.rowsPerSecond()), p.counts());
        return null;
    }

    /** A figure not known yet (no rows counted, no time passed) is logged as "?", not "null". */
    private static Object orUnknown(Object figure) {
        return figure == null ? "?" : figure;
    }
}
