package io.stageflow.tracking;

import java.time.Instant;
import java.util.Optional;

/**
 * The emails a customer engaged with, for features that credit an email with what the customer did next: revenue
 * attribution credits an order to the last journey email the customer clicked, or else opened. Only human opens and
 * clicks count here; machine ones (image proxies, link scanners) never do.
 */
public interface EngagementHistory {

    /** The journey email the customer last clicked, at a time in {@code [since, until]}; empty if none. */
    Optional<EngagedEmail> lastClicked(String customerId, Instant since, Instant until);

    /** The journey email the customer last opened (a human open), at a time in {@code [since, until]}; empty if none. */
    Optional<EngagedEmail> lastOpened(String customerId, Instant since, Instant until);

    /** What the customer did with each of their tracked emails, by outbox row: a person's opens and clicks. */
    java.util.Map<Long, EmailEngagement> emailsOf(String customerId);

    /**
     * Which of these journey instances sent an email a person opened, and one a person clicked: for an experiment's
     * open and click rates per arm. Instances that sent no tracked email are left out.
     */
    java.util.Map<String, InstanceEngagement> ofJourneyInstances(java.util.Collection<String> journeyInstanceIds);

    /** Whether a person opened, and clicked, any email of one journey instance. */
    record InstanceEngagement(boolean opened, boolean clicked) {
    }

    /** A person's opens and clicks of one email: the first of each (null: none) and how many. */
    record EmailEngagement(Instant firstOpenedAt, long opens, Instant firstClickedAt, long clicks) {
    }

    /** An email (outbox row) of a journey's step, and when the customer engaged with it. */
    record EngagedEmail(long outboxId, String templateKey, String journeyKey, String stepId, Instant at) {
    }
}
