package io.stageflow.delivery;

import java.time.Duration;

import io.github.bucket4j.Bucket;
import io.stageflow.support.SteadyRate;

import org.springframework.stereotype.Component;

/**
 * Keeps one node's hand-overs to the mail server under {@code stageflow.delivery.dispatcher.max-per-second}, over
 * all its lanes and retries included, as a mail provider's sending limit asks (Amazon SES answers
 * {@code 454 Throttling failure} past it). One token bucket in memory, refilled at the rate and holding at most a
 * tenth of a second's worth, so that the backlog after an outage does not go out as a burst above the rate.
 * A lane waits for its token after its row is claimed, which costs the claim at most a few tokens' time.
 */
@Component
class DeliveryRateLimit {

    private final Bucket bucket;

    DeliveryRateLimit(DeliveryProperties properties) {
        int perSecond = properties.dispatcher().maxPerSecond();
        if (perSecond < 0) {
            throw new IllegalArgumentException("stageflow.delivery.dispatcher.max-per-second must be 0 (no limit) or"
                    + " more, not " + perSecond);
        }
        this.bucket = perSecond == 0 ? null : SteadyRate.of(perSecond, Duration.ofSeconds(1));
    }

    /**
     * Waits until one more email may go to the mail server.
     *
     * @throws InterruptedException when the node stops while waiting; nothing was sent
     */
    void acquire() throws InterruptedException {
        if (bucket != null) {
            bucket.asBlocking().consume(1);
        }
    }
}
