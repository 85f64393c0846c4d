package io.stageflow.broadcasts;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bucket;
import io.stageflow.support.SteadyRate;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Keeps a broadcast to {@code stageflow.broadcasts.messages-per-second} over all its partitions, whichever
 * nodes run them, with no shared state: each partition has a token bucket of its own in the memory of the node
 * that runs it, refilled at its share of the rate (the rate divided by the number of partitions). The bucket starts
 * empty and holds at most a tenth of a second's worth, so there is no burst above the rate at the start.
 */
@Component
class BroadcastThrottle implements StepExecutionListener {

    private final BroadcastProperties properties;
    private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

    BroadcastThrottle(BroadcastProperties properties) {
        this.properties = properties;
    }

    /** Waits until this partition (a worker step execution) may queue one more email. */
    void acquire(long partitionExecutionId) {
        // The share as whole tokens per period: rate/partitions tokens a second, exactly, also below 1 a second.
        Bucket bucket = buckets.computeIfAbsent(partitionExecutionId, id -> SteadyRate.of(
                properties.messagesPerSecond(), Duration.ofSeconds(properties.partitions())));
        try {
            bucket.asBlocking().consume(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Broadcast interrupted while waiting for its rate limit", e);
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution partition) {
        buckets.remove(partition.getId());
        return null;
    }
}
