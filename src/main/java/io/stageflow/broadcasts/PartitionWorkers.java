package io.stageflow.broadcasts;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.stageflow.jobs.JobProgress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * A node's workers for partitioned steps that any node may run ({@link SharedPartitionHandler}). Every
 * {@code poll-interval} (and at once when this node offers partitions) it looks in the shared job repository for
 * partitions of running jobs that no node has claimed yet, claims as many as it has free threads for, and runs them.
 * The claim is Spring Batch's own optimistic lock: the step execution moves from {@code STARTING} to
 * {@code STARTED} only if its version is still the one read, so of two nodes that race for a partition exactly one
 * gets it. The node's name goes into the partition's context, so progress shows who ran what.
 * <p>
 * On shutdown, the node asks its running partitions to stop after their current chunk; they end {@code STOPPED}
 * and the job's manager offers them again, from that commit, to the other nodes.
 */
final class PartitionWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PartitionWorkers.class);

    /** Step context: the node that ran (or runs) the partition. */
    static final String NODE = JobProgress.NODE;

    private final String jobName;
    private final Step workerStep;
    private final JobExplorer explorer;
    private final JobRepository repository;
    private final Duration pollInterval;
    private final String node;
    private final Semaphore freeThreads;
    private final ThreadPoolExecutor threads;
    private final Set<StepExecution> running = ConcurrentHashMap.newKeySet();
    /** Advances one phase each time a partition ends on this node, for a manager here that waits for it. */
    private final Phaser partitionEnded = new Phaser(1);
    private ScheduledExecutorService poller;
    private volatile boolean started;

    PartitionWorkers(String jobName, Step workerStep, JobExplorer explorer, JobRepository repository, int threads,
            Duration pollInterval, String node) {
        this.jobName = jobName;
        this.workerStep = workerStep;
        this.explorer = explorer;
        this.repository = repository;
        this.pollInterval = pollInterval;
        this.node = node;
        this.freeThreads = new Semaphore(threads);
        this.threads = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new CustomizableThreadFactory(jobName + "-partition-"));
        this.threads.allowCoreThreadTimeOut(true);
    }

    /** This JVM's name among the nodes: host and process id, as the JVM reports them. */
    static String thisNode() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }

    String node() {
        return node;
    }

    /** Looks for partitions now rather than at the next poll. */
    void wake() {
        ScheduledExecutorService current = poller;
        if (started && current != null) {
            try {
                current.execute(this::poll);
            } catch (RejectedExecutionException shuttingDown) {
                // stop() came first: nothing more to claim.
            }
        }
    }

    /** A mark to pass to {@link #awaitPartitionEnd}: take it before looking at the partitions. */
    int partitionEndMark() {
        return partitionEnded.getPhase();
    }

    /**
     * Waits until a partition run by this node ends after {@code mark} was taken, or the timeout passes, whichever
     * comes first: a manager on this node sees its job's last partition end at once, and others' at its next poll.
     */
    void awaitPartitionEnd(int mark, Duration timeout) throws InterruptedException {
        try {
            partitionEnded.awaitAdvanceInterruptibly(mark, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException nothingEndedHere) {
            // The poll interval passed: look at the partitions again.
        }
    }

    /**
     * Advances {@link #partitionEnded} by one phase. Its one party arrives for every partition that ends, and two
     * partitions may end at the same moment: a second arrival between the first's and the phase's advance is refused
     * ("arrival of unregistered party"), so arrivals take turns.
     */
    void signalPartitionEnd() {
        synchronized (partitionEnded) {
            partitionEnded.arrive();
        }
    }

    /** Claims and starts as many unclaimed partitions as this node has free threads for. */
    void poll() {
        if (!started) {
            return;
        }
        try {
            for (JobExecution job : explorer.findRunningJobExecutions(jobName)) {
                if (job.getStatus() == BatchStatus.STOPPING) {
                    continue;
                }
                for (StepExecution partition : job.getStepExecutions()) {
                    if (partition.getStatus() != BatchStatus.STARTING) {
                        continue;
                    }
                    if (!freeThreads.tryAcquire()) {
                        return;
                    }
                    Optional<StepExecution> claimed = claim(partition);
                    if (claimed.isPresent()) {
                        threads.execute(() -> run(claimed.get()));
                    } else {
                        freeThreads.release();
                    }
                }
            }
        } catch (DataAccessException e) {
            log.warn("Could not look for {} partitions to run: {}", jobName, e.toString());
        }
    }

    private Optional<StepExecution> claim(StepExecution seen) {
        StepExecution partition = explorer.getStepExecution(seen.getJobExecutionId(), seen.getId());
        if (partition == null || partition.getStatus() != BatchStatus.STARTING
                || !partition.getStepName().startsWith(workerStep.getName() + ":")) {
            return Optional.empty();
        }
        partition.setStatus(BatchStatus.STARTED);
        try {
            repository.update(partition);
        } catch (OptimisticLockingFailureException takenByAnotherNode) {
            return Optional.empty();
        }
        partition.getExecutionContext().putString(NODE, node);
        repository.updateExecutionContext(partition);
        return Optional.of(partition);
    }

    private void run(StepExecution partition) {
        running.add(partition);
        try {
            log.info("Node {} runs {} of job {}", node, partition.getStepName(), partition.getJobExecutionId());
            workerStep.execute(partition);
        } catch (Exception | Error e) {
            log.error("{} of job {} failed on node {}", partition.getStepName(), partition.getJobExecutionId(), node, e);
        } finally {
            running.remove(partition);
            freeThreads.release();
            signalPartitionEnd();
        }
        // A thread is free again: take the next partition waiting, if any, without waiting for the poll.
        wake();
    }

    @Override
    public void start() {
        poller = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory(jobName + "-partition-poll-"));
        started = true;
        poller.scheduleWithFixedDelay(this::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops claiming, hands the running partitions back after their current chunk, and waits for them briefly. */
    @Override
    public void stop() {
        started = false;
        if (poller != null) {
            poller.shutdownNow();
        }
        for (StepExecution partition : running) {
            partition.setTerminateOnly();
            log.info("Node {} hands {} of job {} back: shutting down", node, partition.getStepName(),
                    partition.getJobExecutionId());
        }
        threads.shutdown();
        try {
            if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Node {} stopped with partitions still running; the job's manager offers them again once "
                        + "they have committed nothing for a while", node);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    /** Stop before the job launchers and the data source go. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
