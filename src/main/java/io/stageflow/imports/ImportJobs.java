package io.stageflow.imports;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.stageflow.jobs.JobProgress;
import io.stageflow.jobs.JobRestarts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobInstance;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.JobParametersInvalidException;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.batch.core.launch.JobLauncher;
import org.springframework.batch.core.launch.support.TaskExecutorJobLauncher;
import org.springframework.batch.core.repository.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.repository.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.JobRestartException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Service;

/**
 * Starts, restarts and stops imports of every kind ({@link ImportTarget}). Uploads run on a small pool of this node's own threads
 * ({@code stageflow.imports.concurrent-jobs}), so the HTTP call that started one gets its job id at once; the
 * command line runs one in the calling thread. Spring Boot's own {@code JobLauncher} bean stays synchronous and
 * untouched for other jobs.
 */
@Service
class ImportJobs implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ImportJobs.class);

    /** Each import kind's job, by kind ({@code customers}, {@code products}). */
    private final Map<String, Job> byKind = new LinkedHashMap<>();
    private final JobExplorer explorer;
    private final JobRestarts restarts;
    private final ImportFiles files;
    private final Duration staleAfter;
    private final ThreadPoolTaskExecutor threads;
    private final TaskExecutorJobLauncher async;
    private final TaskExecutorJobLauncher inCaller;
    /** Executions this node started in the background: the ones to stop when it shuts down. */
    private final Set<Long> startedHere = ConcurrentHashMap.newKeySet();

    ImportJobs(List<ImportTarget<?>> targets, List<Job> jobs, JobRepository repository, JobExplorer explorer,
            JobRestarts restarts, ImportFiles files, ImportProperties properties) throws Exception {
        for (ImportTarget<?> target : targets) {
            byKind.put(target.kind(), jobs.stream().filter(job -> job.getName().equals(target.jobName())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No job " + target.jobName())));
        }
        this.explorer = explorer;
        this.restarts = restarts;
        this.files = files;
        this.staleAfter = properties.staleAfter();
        this.threads = new ThreadPoolTaskExecutor();
        threads.setThreadNamePrefix("import-");
        threads.setCorePoolSize(properties.concurrentJobs());
        threads.setMaxPoolSize(properties.concurrentJobs());
        threads.setQueueCapacity(100);
        threads.setWaitForTasksToCompleteOnShutdown(true);
        threads.setAwaitTerminationSeconds(30);
        threads.initialize();
        this.async = launcher(repository, threads);
        this.inCaller = launcher(repository, new SyncTaskExecutor());
    }

    private static TaskExecutorJobLauncher launcher(JobRepository repository,
            TaskExecutor executor) throws Exception {
        TaskExecutorJobLauncher launcher = new TaskExecutorJobLauncher();
        launcher.setJobRepository(repository);
        launcher.setTaskExecutor(executor);
        launcher.afterPropertiesSet();
        return launcher;
    }

    /** Starts importing a stored file in the background; the execution is created (and has its id) on return. */
    JobExecution start(ImportFiles.Stored file) {
        return launchInBackground(jobOf(file.kind()), parameters(file));
    }

    /** Imports a stored file in the calling thread and returns the finished execution. */
    JobExecution run(ImportFiles.Stored file) {
        return launch(inCaller, jobOf(file.kind()), parameters(file));
    }

    /**
     * Runs an import again that failed, was stopped, or was abandoned by a node that died (it has committed nothing
     * for {@code stale-after}): the new execution goes on from the last committed chunk.
     */
    JobExecution restart(long executionId) {
        JobExecution previous = find(executionId).orElseThrow(() -> new NoSuchImportException(executionId));
        return launchInBackground(jobNamed(previous.getJobInstance().getJobName()),
                restarts.toRestart(previous, staleAfter));
    }

    /** Launches an import job again in the background with an earlier execution's (checked) parameters. */
    JobExecution relaunch(String jobName, JobParameters parameters) {
        return launchInBackground(jobNamed(jobName), parameters);
    }

    /** Asks a running import to stop after its current chunk; it can be restarted later. */
    JobExecution stop(long executionId) {
        return restarts.stop(find(executionId).orElseThrow(() -> new NoSuchImportException(executionId)));
    }

    /** An execution of an import job, or empty for an unknown id or another job's execution. */
    Optional<JobExecution> find(long executionId) {
        return Optional.ofNullable(explorer.getJobExecution(executionId))
                .filter(execution -> kindOf(execution).isPresent());
    }

    /** The kind of file ({@code customers}, {@code products}) an execution imports; empty for another job's. */
    Optional<String> kindOf(JobExecution execution) {
        String name = execution.getJobInstance().getJobName();
        return byKind.entrySet().stream().filter(entry -> entry.getValue().getName().equals(name))
                .map(Map.Entry::getKey).findFirst();
    }

    /** The kinds of file an import takes, the first the default: {@code customers}, {@code products}. */
    List<String> kinds() {
        return List.copyOf(byKind.keySet());
    }

    /**
     * The executions of the latest {@code count} imports, newest first: a restart is an execution of its own, of the
     * same import.
     */
    List<JobExecution> recent(int count) {
        return byKind.values().stream()
                .flatMap(job -> explorer.getJobInstances(job.getName(), 0, count).stream())
                .sorted(Comparator.comparing(JobInstance::getInstanceId).reversed())
                .limit(count)
                .flatMap(instance -> explorer.getJobExecutions(instance).stream())
                .sorted(Comparator.comparing(JobExecution::getId).reversed())
                .toList();
    }

    /** Every execution of the same import as this one (the first run and its restarts), oldest first. */
    List<JobExecution> runsOf(JobExecution execution) {
        return explorer.getJobExecutions(execution.getJobInstance()).stream()
                .sorted(Comparator.comparing(JobExecution::getId))
                .toList();
    }

    /** The error report of an import execution (shared by every execution of the same import). */
    Optional<Path> errorReport(long executionId) {
        return find(executionId).map(execution -> execution.getJobParameters().getString(ImportJobConfiguration.FILE))
                .map(Path::of).filter(files::holds).map(ImportFiles::errorReportOf);
    }

    private static JobParameters parameters(ImportFiles.Stored file) {
        return new JobParametersBuilder()
                .addString(ImportJobConfiguration.FILE, file.csv().toString(), true)
                .addLong(JobProgress.ROWS, file.rows(), false)
                .toJobParameters();
    }

    private Job jobOf(String kind) {
        Job job = byKind.get(kind);
        if (job == null) {
            throw new IllegalArgumentException("No import of kind " + kind);
        }
        return job;
    }

    private Job jobNamed(String jobName) {
        return byKind.values().stream().filter(job -> job.getName().equals(jobName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No import job " + jobName));
    }

    private JobExecution launchInBackground(Job job, JobParameters parameters) {
        JobExecution execution = launch(async, job, parameters);
        startedHere.add(execution.getId());
        return execution;
    }

    private static JobExecution launch(JobLauncher launcher, Job job, JobParameters parameters) {
        try {
            return launcher.run(job, parameters);
        } catch (JobExecutionAlreadyRunningException | JobRestartException | JobInstanceAlreadyCompleteException e) {
            throw new JobRestarts.JobStateException(e.getMessage());
        } catch (JobParametersInvalidException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * On shutdown, asks running imports to stop after their current chunk (they stay restartable) and waits for
     * them; an import still going when the wait ends is left to the stale-job restart.
     */
    @Override
    public void destroy() {
        for (long id : startedHere) {
            try {
                if (find(id).filter(JobExecution::isRunning).isPresent()) {
                    stop(id);
                    log.info("Import job {} asked to stop: this node is shutting down; restart it later", id);
                }
            } catch (RuntimeException e) {
                log.warn("Import job {} could not be asked to stop: {}", id, e.toString());
            }
        }
        threads.shutdown();
    }

    /** No import with this id. */
    static final class NoSuchImportException extends RuntimeException {
        NoSuchImportException(long id) {
            super("No import job with id " + id);
        }
    }
}
