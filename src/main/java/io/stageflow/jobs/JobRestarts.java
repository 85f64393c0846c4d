package io.stageflow.jobs;

import java.time.Duration;
import java.time.LocalDateTime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * What stopping and restarting mean for every Stageflow job (imports, inactivity scans, broadcasts), in one place.
 * A stop asks the job to end after its current chunk, on whichever node runs it: the node sees the request at its
 * next commit. A restart runs the same job instance again from its last committed chunks; it is refused for a job
 * that completed, that was restarted already, or that is still running, unless the running job has committed
 * nothing for its {@code stale-after} (its node died), which is then marked failed first, as that node would
 * have done had it lived.
 */
@Component
public class JobRestarts {

    private static final Logger log = LoggerFactory.getLogger(JobRestarts.class);

    private final JobRepository repository;
    private final JobExplorer explorer;

    JobRestarts(JobRepository repository, JobExplorer explorer) {
        this.repository = repository;
        this.explorer = explorer;
    }

    /** Asks a running job to stop after its current chunk; it can be restarted later. */
    public JobExecution stop(JobExecution execution) {
        if (!execution.isRunning()) {
            throw new JobStateException("job " + execution.getId() + " is not running");
        }
        execution.setStatus(BatchStatus.STOPPING);
        repository.update(execution);
        log.info("Job {} ({}) asked to stop", execution.getId(), execution.getJobInstance().getJobName());
        return execution;
    }

    /**
     * Checks that the execution may be restarted, marks it failed if its node died, and returns the parameters to
     * launch the job with again (the same job instance).
     */
    public JobParameters toRestart(JobExecution previous, Duration staleAfter) {
        long id = previous.getId();
        JobExecution last = explorer.getLastJobExecution(previous.getJobInstance());
        if (last != null && last.getId() != id) {
            throw new JobStateException("job " + id + " was already restarted as job " + last.getId());
        }
        if (previous.isRunning()) {
            if (lastUpdated(previous).isAfter(LocalDateTime.now().minus(staleAfter))) {
                throw new JobStateException("job " + id + " is running; stop it first, or wait until it has "
                        + "committed nothing for " + staleAfter + " (its node died)");
            }
            abandon(previous, staleAfter);
        }
        if (previous.getStatus() == BatchStatus.COMPLETED) {
            throw new JobStateException("job " + id + " has completed; start a new one to run it again");
        }
        return previous.getJobParameters();
    }

    /** When the execution, or one of its steps, last committed (its creation, before any). */
    static LocalDateTime lastUpdated(JobExecution execution) {
        LocalDateTime last = execution.getLastUpdated() != null ? execution.getLastUpdated() : execution.getCreateTime();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getLastUpdated() != null && step.getLastUpdated().isAfter(last)) {
                last = step.getLastUpdated();
            }
        }
        return last;
    }

    private void abandon(JobExecution execution, Duration staleAfter) {
        LocalDateTime now = LocalDateTime.now();
        ExitStatus died = ExitStatus.FAILED.addExitDescription("Abandoned: nothing committed for " + staleAfter);
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStatus().isRunning()) {
                step.setStatus(BatchStatus.FAILED);
                step.setExitStatus(died);
                step.setEndTime(now);
                repository.update(step);
            }
        }
        execution.setStatus(BatchStatus.FAILED);
        execution.setExitStatus(died);
        execution.setEndTime(now);
        repository.update(execution);
        log.warn("Job {} ({}) abandoned: its node committed nothing for {}; restarting it", execution.getId(),
                execution.getJobInstance().getJobName(), staleAfter);
    }

    /** The job is not in a state that allows what was asked. */
    public static final class JobStateException extends RuntimeException {
        public JobStateException(String message) {
            super(message);
        }
    }
}
