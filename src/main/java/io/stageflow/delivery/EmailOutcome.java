package io.stageflow.delivery;

/**
 * What became of one outbox row at its end: sent, or not sent for good (suppressed, skipped, failed, withdrawn). A
 * failed email may still be sent later by retrying its incident, which announces a second outcome. Announced in
 * {@link EmailOutcomes}.
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
