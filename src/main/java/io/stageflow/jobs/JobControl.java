package io.stageflow.jobs;

import java.time.Instant;
import java.util.Optional;

import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.stereotype.Service;

/**
 * Finds, reports on, stops and restarts any Stageflow job by its id, so operators (and each feature's own
 * endpoints, through {@link JobEndpoints}) have one place for it. What differs between jobs comes from the
 * {@link JobKind} their feature registered: a restart goes back on the kind's threads, after the kind's
 * {@code stale-after}.
 */
@Service
public class JobControl {

    private final JobExplorer explorer;
    private final JobRestarts restarts;
    private final JobKinds kinds;
    private final BackgroundJobs background;
    private final ExclusiveLaunches exclusiveLaunches;

    JobControl(JobExplorer explorer, JobRestarts restarts, JobKinds kinds, BackgroundJobs background,
            ExclusiveLaunches exclusiveLaunches) {
        this.explorer = explorer;
        this.restarts = restarts;
        this.kinds = kinds;
        this.background = background;
        this.exclusiveLaunches = exclusiveLaunches;
    }

    /** Any job's execution, or empty for an unknown id. */
    public Optional<JobExecution> find(long executionId) {
        return Optional.ofNullable(explorer.getJobExecution(executionId));
    }

    /** Where the job stands, as {@code GET /api/v1/jobs/{id}} shows it. */
    public JobProgress progress(JobExecution execution) {
        return JobProgress.of(execution, Instant.now(), kinds.progressOf(execution.getJobInstance().getJobName()));
    }

    /** Asks the job to stop after its current chunk, on whichever node runs it. */
    public JobExecution stop(JobExecution execution) {
        return restarts.stop(execution);
    }

    /** Runs the job again from its last committed chunks, as a new execution of the same job instance. */
    public JobExecution restart(JobExecution previous) {
        JobKind kind = kinds.find(previous.getJobInstance().getJobName())
                .orElseThrow(() -> new JobRestarts.JobStateException("job " + previous.getId() + " ("
                        + previous.getJobInstance().getJobName() + ") cannot be restarted here"));
        JobParameters parameters = restarts.toRestart(previous, kind.staleAfter());
        if (kind.exclusive()) {
            return exclusiveLaunches.exclusively(kind.name(), kind.staleAfter(),
                    () -> kind.relaunch(parameters, background));
        }
        return kind.relaunch(parameters, background);
    }
}
