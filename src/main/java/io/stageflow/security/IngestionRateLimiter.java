package io.stageflow.security;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * A token bucket per write key, counted in messages, so one misbehaving integration cannot starve the others.
 * Buckets live in each node's memory: with N nodes behind a balancer, a key gets up to N times the rate.
 */
@Component
public class IngestionRateLimiter {

    private final Limits limits;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    IngestionRateLimiter(Limits limits) {
        this.limits = limits;
    }

    /** Takes {@code messages} tokens from the key's bucket, or says how long until they would be there. */
    public Decision tryAcquire(String writeKeyId, int messages) {
        Bucket bucket = buckets.computeIfAbsent(writeKeyId, id -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(limits.burst())
                        .refillGreedy(limits.messagesPerSecond(), Duration.ofSeconds(1)).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(messages);
        if (probe.isConsumed()) {
            return new Decision(true, Duration.ZERO);
        }
        return new Decision(false, Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Whether the call may proceed, and if not, when to retry. */
    public record Decision(boolean allowed, Duration retryAfter) {

        /** Whole seconds for a {@code Retry-After} header, at least 1. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }

        /** The answer to a refused call: 429 problem+json with {@code Retry-After}. */
        public ResponseEntity<ProblemDetail> tooManyRequests() {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                    "This write key sends more messages than its limit; retry after the Retry-After seconds");
            problem.setTitle("Rate limit exceeded");
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds())).body(problem);
        }
    }

    /**
     * {@code stageflow.security.ingestion-rate-limit.*}: sustained rate and burst per write key, in messages.
     *
     * @param messagesPerSecond sustained messages per second per write key, per node
     * @param burst             messages one write key may send at once above the sustained rate
     */
    @ConfigurationProperties("stageflow.security.ingestion-rate-limit")
    record Limits(@DefaultValue("1000") long messagesPerSecond, @DefaultValue("5000") long burst) {
    }
}
