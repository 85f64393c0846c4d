package io.stageflow.journeys;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Where journeys come from and how the trigger router hands events to them. */
@ConfigurationProperties("stageflow")
record JourneysProperties(@DefaultValue Journeys journeys, @DefaultValue Router router) {

    /** {@code stageflow.journeys.dir}: the folder whose BPMN and DMN files are deployed at startup. */
    record Journeys(@DefaultValue("bpmn") Path dir) {
    }

    /** {@code stageflow.router.*}. */
    record Router(
            @DefaultValue("100") int batchSize,
            @DefaultValue("PT0.5S") Duration idleWait,
            @DefaultValue("PT5M") Duration awaitCatchFor,
            @DefaultValue("10") int maxAttempts,
            @DefaultValue("PT1S") Duration retryBackoff,
            @DefaultValue("PT5M") Duration maxRetryBackoff) {

        /** Doubling delay after the given number of attempts, capped. */
        Duration backoff(int attempts) {
            Duration delay = retryBackoff.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 20));
            return delay.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : delay;
        }
    }
}
