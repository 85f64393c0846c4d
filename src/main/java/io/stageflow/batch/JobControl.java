package io.stageflow.batch;

import java.util.Optional;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Stops and restarts any Stageflow job by its id, so operators have one place for it: an import goes back on the
 * import threads (it has its own rules, {@link ImportJobs}), a scan or a broadcast on {@link BackgroundJobs}.
 */
@Service
class JobControl {

    private final JobExplorer explorer;
    private final JobRestarts restarts;
    private final ImportJobs imports;
    private final BackgroundJobs background;
    private final Job broadcastJob;
    private final Job inactivityScanJob;
    private final BroadcastProperties broadcasts;
    private final InactivityProperties inactivity;

    JobControl(JobExplorer explorer, JobRestarts restarts, ImportJobs imports, BackgroundJobs background,
            @Qualifier("broadcastJob") Job broadcastJob, @Qualifier("inactivityScanJob") Job inactivityScanJob,
            BroadcastProperties broadcasts, InactivityProperties inactivity) {
        this.explorer = explorer;
        this.restarts = restarts;
        this.imports = imports;
        this.background = background;
        this.broadcastJob = broadcastJob;
        this.inactivityScanJob = inactivityScanJob;
        this.broadcasts = broadcasts;
        this.inactivity = inactivity;
    }

    Optional<JobExecution> find(long executionId) {
        return Optional.ofNullable(explorer.getJobExecution(executionId));
    }

    /** Asks the job to stop after its current chunk, on whichever node runs it. */
    JobExecution stop(JobExecution execution) {
        return restarts.stop(execution);
    }

    /** Runs the job again from its last committed chunks, as a new execution of the same job instance. */
    JobExecution restart(JobExecution previous) {
        return switch (previous.getJobInstance().getJobName()) {
            case ImportJobConfiguration.JOB -> imports.restart(previous.getId());
            case BroadcastJobConfiguration.JOB ->
                    background.launch(broadcastJob, restarts.toRestart(previous, broadcasts.effectiveStaleAfter()));
            case InactivityJobConfiguration.JOB ->
                    background.launch(inactivityScanJob, restarts.toRestart(previous, inactivity.staleAfter()));
            default -> throw new JobRestarts.JobStateException("job " + previous.getId() + " ("
                    + previous.getJobInstance().getJobName() + ") cannot be restarted here");
        };
    }
}
