package io.stageflow.journeys;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where journeys come from and how the trigger router hands events to them ({@code stageflow.journeys.*}):
 * {@code dir}, the folder whose BPMN and DMN files are deployed at startup (changed files only, resource names
 * relative to it); {@code node-id}, this node's name among the nodes on one database, the same across its restarts
 * (blank: host name and server port), so that a restarted node takes back the jobs it had locked when it stopped;
 * {@code router}, the trigger router's pace and retries.
 *
 * @param dir    the folder of BPMN and DMN files deployed at startup
 * @param nodeId this node's name among the nodes on one database, the same across its restarts (blank: host
 *               name and port)
 * @param router the trigger router's pace and retries
 * @param export true: write the live version of every journey that did not come from {@code dir} into it, then
 *               exit (a command: {@code --stageflow.journeys.export=true}, docs/modeler.md)
 * @param maxFileSize the largest BPMN or DMN file a deployment may hold, from the console, Camunda Modeler or
 *               {@code dir}; a larger one is refused whole
 */
@ConfigurationProperties("stageflow.journeys")
record JourneysProperties(@DefaultValue("bpmn") Path dir, String nodeId, @DefaultValue Router router,
        boolean export, @DefaultValue("1MB") DataSize maxFileSize) {

    /**
     * {@code stageflow.journeys.router.*}: events per batch, the wait when idle, how long an event may wait for a
     * running journey that has not reached its catch yet ({@code await-catch-for}, docs/events.md), and retries.
     *
     * @param batchSize       events one router pass takes
     * @param idleWait        the pause between passes when nothing was waiting
     * @param gather          how long events may gather after new ones were committed, before a pass routes them:
     *                        under a steady stream (opens after a broadcast) one pass takes many events, not a few
     * @param awaitCatchFor   how long an event may wait for a running journey to reach its catch
     * @param maxAttempts     attempts before an event that fails to route is dead-lettered
     * @param retryBackoff    the wait after the first failed attempt, doubling with each further one
     * @param maxRetryBackoff the longest wait between attempts
     * @param listeningRefresh how long a node trusts what it last read of the event types journeys listen for, when
     *                        it stores the events it observes itself (deliveries, opens, clicks) of other types as
     *                        routed at once: a journey deployed less than this before such an event may miss it
     * @param threads         events of different customers a node routes at once; a pass holds at most one event of
     *                        each customer, so each customer's events still go in the order they were posted
     */
    record Router(
            @DefaultValue("100") int batchSize,
            @DefaultValue("PT0.5S") Duration idleWait,
            @DefaultValue("PT0.02S") Duration gather,
            @DefaultValue("PT5M") Duration awaitCatchFor,
            @DefaultValue("10") int maxAttempts,
            @DefaultValue("PT1S") Duration retryBackoff,
            @DefaultValue("PT5M") Duration maxRetryBackoff,
            @DefaultValue("PT1S") Duration listeningRefresh,
            @DefaultValue("4") int threads) {

        Router {
            if (threads < 1) {
                throw new IllegalArgumentException("stageflow.journeys.router.threads must be 1 or more, not " + threads);
            }
        }

        /** Doubling delay after the given number of attempts, capped. */
        Duration backoff(int attempts) {
            Duration delay = retryBackoff.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 20));
            return delay.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : delay;
        }
    }
}
