package io.stageflow.bounces;

import java.time.Duration;
import java.time.Instant;

/** The freshness check of a signed webhook's timestamp (seconds since the epoch), so an old call cannot be replayed. */
final class Timestamps {

    private Timestamps() {
    }

    static void requireRecent(String epochSeconds, Instant now, Duration tolerance) {
        Instant at;
        try {
            at = Instant.ofEpochSecond(Long.parseLong(epochSeconds.strip()));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new WebhookRefused("The signed timestamp is not a time");
        }
        if (Duration.between(at, now).abs().compareTo(tolerance) > 0) {
            throw new WebhookRefused("The signed timestamp is more than " + tolerance + " away from now");
        }
    }
}
