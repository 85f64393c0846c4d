package io.stageflow.delivery;

/**
 * Published when an outbox row has reached its end: sent, or not sent for good (suppressed, skipped, failed,
 * withdrawn). A failed email may still be sent later by retrying its incident, which publishes a second outcome.
 * Listeners run in the dispatcher's thread, after the row's status is committed; for a withdrawn email, in the
 * transaction that ended its journey and withdrew it, so that both commit or neither does.
 */
public record EmailOutcome(long outboxId, String idempotencyKey, String customerId, Result result) {

    /** How the email ended. */
    public enum Result {
        SENT, SUPPRESSED, SKIPPED, FAILED,
        /** Its journey reached a goal, or was cancelled, before it was sent. */
        WITHDRAWN;

        /** True when the customer got the email. */
        public boolean delivered() {
            return this == SENT;
        }
    }
}
