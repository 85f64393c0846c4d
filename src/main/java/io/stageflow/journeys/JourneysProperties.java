package io.stageflow.journeys;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Where journeys come from and how the trigger router hands events to them. */
@ConfigurationProperties("stageflow")
record JourneysProperties(@DefaultValue Journeys journeys, @DefaultValue Router router) {

    /**
     * {@code stageflow.journeys.*}: {@code dir}, the folder whose BPMN and DMN files are deployed at startup;
     * {@code node-id}, this node's name among the nodes on one database, the same across its restarts (blank: host
     * name and server port), so that a restarted node takes back the jobs it had locked when it stopped.
     */
    record Journeys(@DefaultValue("bpmn") Path dir, String nodeId) {
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
