package io.stageflow.support;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

/**
 * The token bucket behind each sending limit (a node's hand-overs to the mail server, a broadcast partition's share of
 * its rate): it starts empty and holds at most a tenth of a second's worth, so neither the start nor the backlog
 * after a pause goes out as a burst above the rate. One place for that shape, so the limits behave alike.
 */
public final class SteadyRate {

    private SteadyRate() {
    }

    /** A bucket refilled with {@code tokens} every {@code period}, exactly, also below one token a second. */
    public static Bucket of(long tokens, Duration period) {
        return Bucket.builder().addLimit(limit(tokens, period)).build();
    }

    static Bandwidth limit(long tokens, Duration period) {
        double perSecond = tokens * 1_000_000_000.0 / period.toNanos();
        long capacity = Math.max(1, (long) (perSecond / 10));
        return Bandwidth.builder().capacity(capacity).refillGreedy(tokens, period).initialTokens(0).build();
    }
}
