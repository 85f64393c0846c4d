package io.stageflow.broadcasts;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobInterruptedException;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.batch.core.partition.support.AbstractPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * The manager side of a partitioned step whose partitions any node may run. Spring Batch has already saved the
 * partitions as {@code STARTING} step executions in the shared tables; {@link PartitionWorkers} on every node
 * (this one included) claim and run them. This handler, on the node that started the job, watches them in the job
 * repository until all have ended, as Spring Batch's remote partitioning does when it polls the repository, but
 * with no message broker: the tables are the queue. It looks every {@code poll-interval}, and at once when a
 * partition ends on this node.
 * <p>
 * It also keeps the partitions moving when a node goes away. A partition its node handed back on shutdown
 * ({@code STOPPED} while the job is not being stopped), or whose node has committed nothing for
 * {@code stale-after} (the node died), is offered again as a new step execution that starts from the last committed
 * chunk's position; the broadcast writer's idempotency keys make the overlap harmless. When the job is being
 * stopped, partitions no node has claimed yet are stopped here.
 */
final class SharedPartitionHandler extends AbstractPartitionHandler {

    private static final Logger log = LoggerFactory.getLogger(SharedPartitionHandler.class);

    private final JobExplorer explorer;
    private final JobRepository repository;
    private final Duration pollInterval;
    private final Duration staleAfter;
    private final PartitionWorkers localWorkers;

    /**
     * @param localWorkers this node's workers: told at once when partitions are ready to be claimed, rather than at
     *        their next poll, and the partitions they end are seen at once
     */
    SharedPartitionHandler(JobExplorer explorer, JobRepository repository, int gridSize, Duration pollInterval,
            Duration staleAfter, PartitionWorkers localWorkers) {
        this.explorer = explorer;
        this.repository = repository;
        this.pollInterval = pollInterval;
        this.staleAfter = staleAfter;
        this.localWorkers = localWorkers;
        setGridSize(gridSize);
    }

    @Override
    protected Set<StepExecution> doHandle(StepExecution manager, Set<StepExecution> partitions) throws Exception {
        Map<String, StepExecution> current = new LinkedHashMap<>();
        partitions.forEach(partition -> current.put(partition.getStepName(), partition));
        localWorkers.wake();
        while (true) {
            int mark = localWorkers.partitionEndMark();
            // One read of the job gives every partition's execution as it stands, with its context.
            JobExecution job = explorer.getJobExecution(manager.getJobExecutionId());
            if (job == null) {
                throw new IllegalStateException("Job execution " + manager.getJobExecutionId() + " is gone");
            }
            Map<Long, StepExecution> byId = new HashMap<>();
            job.getStepExecutions().forEach(step -> byId.put(step.getId(), step));
            boolean stopping = job.getStatus() == BatchStatus.STOPPING || manager.isTerminateOnly();
            boolean running = false;
            for (Map.Entry<String, StepExecution> entry : current.entrySet()) {
                StepExecution partition = byId.get(entry.getValue().getId());
                entry.setValue(partition);
                if (partition.getStatus() == BatchStatus.STOPPED && !stopping) {
                    entry.setValue(offerAgain(job, partition, "its node handed it back"));
                    running = true;
                } else if (partition.getStatus().isRunning()) {
                    running = true;
                    if (stopping && partition.getStatus() == BatchStatus.STARTING) {
                        stopUnclaimed(partition);
                    } else if (!stopping && partition.getStatus() == BatchStatus.STARTED && isStale(partition)) {
                        entry.setValue(offerAgain(job, partition, "its node committed nothing for " + staleAfter));
                    }
                }
            }
            if (!running) {
                return new HashSet<>(current.values());
            }
            try {
                localWorkers.awaitPartitionEnd(mark, pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JobInterruptedException("Stopped waiting for the partitions: this node is shutting down");
            }
        }
    }

    /**
     * Ends the partition's execution and saves a new one of the same partition, with the context of its last
     * commit, for any node to claim. A partition that changed meanwhile (its node was alive after all) is left.
     */
    private StepExecution offerAgain(JobExecution job, StepExecution partition, String why) {
        if (partition.getStatus().isRunning()) {
            partition.setStatus(BatchStatus.FAILED);
            partition.setExitStatus(ExitStatus.FAILED.addExitDescription("Handed to another node: " + why));
            partition.setEndTime(LocalDateTime.now());
            try {
                repository.update(partition);
            } catch (OptimisticLockingFailureException alive) {
                return partition;
            }
        }
        StepExecution again = job.createStepExecution(partition.getStepName());
        ExecutionContext lastCommit = new ExecutionContext(partition.getExecutionContext());
        lastCommit.remove(PartitionWorkers.NODE);
        again.setExecutionContext(lastCommit);
        repository.add(again);
        log.warn("Partition {} of job {} offered again from its last commit: {}", partition.getStepName(),
                job.getId(), why);
        localWorkers.wake();
        return again;
    }

    private void stopUnclaimed(StepExecution partition) {
        partition.setStatus(BatchStatus.STOPPED);
        partition.setExitStatus(ExitStatus.STOPPED.addExitDescription("The job was stopped before a node took it"));
        partition.setEndTime(LocalDateTime.now());
        try {
            repository.update(partition);
        } catch (OptimisticLockingFailureException claimed) {
            // A node took it meanwhile: it sees the job stopping at its first commit.
        }
    }

    private boolean isStale(StepExecution partition) {
        LocalDateTime last = partition.getLastUpdated() != null ? partition.getLastUpdated() : partition.getCreateTime();
        return last.isBefore(LocalDateTime.now().minus(staleAfter));
    }
}
