package io.stageflow.batch;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobExecutionListener;
import org.springframework.stereotype.Component;

/**
 * One token bucket per running broadcast, shared by its partitions: together they queue at most
 * {@code stageflow.batch.broadcast.messages-per-second}. The bucket starts empty and holds at most a tenth of a
 * second's worth, so there is no burst above the rate at the start. Buckets live in this node's memory.
 */
@Component
class BroadcastThrottle implements JobExecutionListener {

    private final BroadcastProperties properties;
    private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

    BroadcastThrottle(BroadcastProperties properties) {
        this.properties = properties;
    }

    /** Waits until this broadcast may queue one more email. */
    void acquire(long jobExecutionId) {
        Bucket bucket = buckets.computeIfAbsent(jobExecutionId, id -> {
            int rate = properties.messagesPerSecond();
            return Bucket.builder().addLimit(Bandwidth.builder().capacity(Math.max(1, rate / 10))
                    .refillGreedy(rate, Duration.ofSeconds(1)).initialTokens(0).build()).build();
        });
        try {
            bucket.asBlocking().consume(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Broadcast interrupted while waiting for its rate limit", e);
        }
    }

    @Override
    public void afterJob(JobExecution execution) {
        buckets.remove(execution.getId());
    }
}
