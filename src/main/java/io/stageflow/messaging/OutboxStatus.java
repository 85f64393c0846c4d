package io.stageflow.messaging;

/** The life of one outbox row. */
enum OutboxStatus {
    /** Waiting for the dispatcher, possibly until a retry time. */
    PENDING,
    /** Held back by the frequency cap or quiet hours until {@code next_attempt_at}; then sent like a pending one. */
    DEFERRED,
    /** Claimed by a dispatcher that is talking to the mail server now. */
    SENDING,
    /** Accepted by the mail server (or written to the file outbox). */
    SENT,
    /** Given up: retries exhausted, or the outcome of a delivery is unknown and sending again could duplicate it. */
    FAILED,
    /** Nothing to send: the customer is gone or has no email address. */
    SKIPPED,
    /** Not sent because the address is on the suppression list (erased, and later also unsubscribed or bounced). */
    SUPPRESSED
}
