package io.stageflow.jobs;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Supplier;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.explore.JobExplorer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Launches a job of which one execution at a time makes sense over the whole cluster (the inactivity scan): when
 * one is running on any node, a second launch, on this node or another, starts nothing and is told which one runs.
 * Spring Batch alone keeps one execution per job <em>instance</em> only, and each on-demand launch is an instance
 * of its own, so two nodes asked at the same moment would both run the job. The launches are serialised over the
 * nodes on the one row of {@code sf_job_launch_lock}, held while a node looks for a running execution and creates
 * its own (Spring Batch commits that in a transaction of its own, with the lock's suspended meanwhile), so the
 * node that comes second sees the first one's execution. An execution that has committed nothing for
 * {@code staleAfter} (its node died) does not count. A restart of an earlier execution of such a job
 * ({@link JobKind#exclusive}) goes through the same check.
 */
@Component
public class ExclusiveLaunches {

    private static final Logger log = LoggerFactory.getLogger(ExclusiveLaunches.class);

    private final BackgroundJobs background;
    private final JobExplorer explorer;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    /** Spring Batch creates an execution only outside a transaction: the lock's is suspended for it, still held. */
    private final TransactionTemplate outsideTheLock;

    ExclusiveLaunches(BackgroundJobs background, JobExplorer explorer, JdbcClient jdbc,
            PlatformTransactionManager transactionManager) {
        this.background = background;
        this.explorer = explorer;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.outsideTheLock = new TransactionTemplate(transactionManager);
        outsideTheLock.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
    }

    /**
     * Starts the job in the background unless an execution of it is running.
     *
     * @throws AlreadyRunningException naming the running execution
     * @throws BackgroundJobs.AlreadyLaunchedException when this job instance has run or runs already
     */
    public JobExecution launch(Job job, JobParameters parameters, Duration staleAfter) {
        return exclusively(job.getName(), staleAfter, () -> background.launch(job, parameters));
    }

    /**
     * {@link #launch} for a schedule that fires on every node at the same minute: the run these parameters name is
     * launched once over the cluster, and every other caller (another node, or this one again) gets nothing.
     */
    public Optional<JobExecution> launchScheduled(Job job, JobParameters parameters, Duration staleAfter) {
        try {
            JobExecution execution = launch(job, parameters, staleAfter);
            log.info("{} {} started on schedule", job.getName(), execution.getId());
            return Optional.of(execution);
        } catch (BackgroundJobs.AlreadyLaunchedException | AlreadyRunningException
                | DataIntegrityViolationException anotherNode) {
            log.info("{} {} already launched (by another node): {}", job.getName(), parameters,
                    anotherNode.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Runs {@code launch}, which creates an execution of the job {@code jobName}, unless an execution of that job
     * is running; as {@link #launch}, for a launch made elsewhere (a restart of an earlier execution).
     *
     * @throws AlreadyRunningException naming the running execution
     */
    JobExecution exclusively(String jobName, Duration staleAfter, Supplier<JobExecution> launch) {
        return transactions.execute(status -> {
            jdbc.sql("select name from sf_job_launch_lock where name = 'launch' for update").query(String.class)
                    .single();
            Optional<JobExecution> running = running(jobName, staleAfter);
            if (running.isPresent()) {
                throw new AlreadyRunningException(running.get());
            }
            return outsideTheLock.execute(suspended -> launch.get());
        });
    }

    private Optional<JobExecution> running(String jobName, Duration staleAfter) {
        LocalDateTime silentSince = LocalDateTime.now().minus(staleAfter);
        return explorer.findRunningJobExecutions(jobName).stream()
                .filter(execution -> JobRestarts.lastUpdated(execution).isAfter(silentSince))
                .min(Comparator.comparing(JobExecution::getId));
    }

    /** An execution of the job is running (on this node or another): the caller may follow it. */
    public static final class AlreadyRunningException extends RuntimeException {

        private final long jobId;

        AlreadyRunningException(JobExecution running) {
            super("%s is running already as job %d (%s since %s); follow it at /api/v1/jobs/%d".formatted(
                    running.getJobInstance().getJobName(), running.getId(), running.getStatus(),
                    running.getCreateTime(), running.getId()));
            this.jobId = running.getId();
        }

        public long jobId() {
            return jobId;
        }
    }
}
