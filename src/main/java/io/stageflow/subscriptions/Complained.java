package io.stageflow.subscriptions;

/**
 * Published after a mailbox provider reported that a recipient marked an email as spam (a feedback-loop report in
 * the unsubscribe mailbox), once the address is suppressed as complained, so that the email can be credited with the
 * complaint (delivery) without this package knowing the outbox. Published again for a repeated report; listeners
 * count each email once.
 *
 * @param addressHash the suppression-list hash of the address
 * @param outboxId    the email reported; null when its unsubscribe link named none
 */
public record Complained(String addressHash, Long outboxId) {
}
