package io.stageflow.delivery;

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
    /**
     * Accepted by the mail server, then reported undeliverable later: a delivery status notification in the bounce
     * mailbox, or a mail provider's webhook ({@link DeliveryReports}). The reason says which and why.
     */
    BOUNCED,
    /**
     * Given up: retries exhausted, or rejected for good by the mail server. A journey's failed email is also a
     * Camunda incident on its instance, and retrying that incident tries once more.
     */
    FAILED,
    /**
     * The dispatcher stopped while the mail server had the message, so it may or may not have been delivered.
     * Never resent on its own: a lost email is visible here, a duplicate cannot be taken back.
     */
    OUTCOME_UNKNOWN,
    /** Nothing to send: the customer is gone or has no email address. */
    SKIPPED,
    /** Not sent: the address is suppressed (unsubscribed, complained, bounced, erased) or consent is missing. */
    SUPPRESSED,
    /**
     * Not sent, and never will be: its journey instance reached a goal (the order arrived before the cart reminder
     * left) or was cancelled while the email was still queued or deferred ({@link Withdrawals}).
     */
    WITHDRAWN
}
