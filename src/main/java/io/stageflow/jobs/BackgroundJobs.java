package io.stageflow.jobs;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersInvalidException;
import org.springframework.batch.core.launch.support.TaskExecutorJobLauncher;
import org.springframework.batch.core.repository.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.repository.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.JobRestartException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Launches jobs (the inactivity scan, broadcasts) on this node's own small pool of threads, so the HTTP call (or
 * the schedule) that starts one gets its job id at once. The pool has as many threads as the registered
 * {@link JobKind}s run here at once, together ({@link JobKind#backgroundThreads}); a kind with threads of its own
 * (the import) adds none.
 */
@Component
public class BackgroundJobs implements DisposableBean {

    private final ThreadPoolTaskExecutor threads;
    private final TaskExecutorJobLauncher launcher;

    BackgroundJobs(JobRepository repository, JobKinds kinds) throws Exception {
        int size = Math.max(1, kinds.backgroundThreads());
        this.threads = new ThreadPoolTaskExecutor();
        threads.setThreadNamePrefix("batch-job-");
        threads.setCorePoolSize(size);
        threads.setMaxPoolSize(size);
        threads.setQueueCapacity(100);
        threads.setWaitForTasksToCompleteOnShutdown(true);
        threads.setAwaitTerminationSeconds(30);
        threads.initialize();
        this.launcher = new TaskExecutorJobLauncher();
        launcher.setJobRepository(repository);
        launcher.setTaskExecutor(threads);
        launcher.afterPropertiesSet();
    }

    /**
     * Starts the job in the background; the execution exists (and has its id) on return.
     *
     * @throws AlreadyLaunchedException when this job instance is running or has completed (another node, or an
     *         earlier call, launched the same parameters)
     */
    public JobExecution launch(Job job, JobParameters parameters) {
        try {
            return launcher.run(job, parameters);
        } catch (JobExecutionAlreadyRunningException | JobInstanceAlreadyCompleteException | JobRestartException e) {
            throw new AlreadyLaunchedException(e.getMessage());
        } catch (JobParametersInvalidException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        threads.shutdown();
    }

    /** The same job instance is running or done already. */
    public static final class AlreadyLaunchedException extends RuntimeException {
        public AlreadyLaunchedException(String message) {
            super(message);
        }
    }
}
