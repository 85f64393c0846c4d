package io.stageflow.subscriptions;

/**
 * Published after a recipient unsubscribed from marketing email by a link, the preference page, List-Unsubscribe or
 * the unsubscribe mailbox, so that the email the link came in can be credited with it (delivery) without this
 * package knowing the outbox. Published again for a repeated unsubscribe; listeners count each email once.
 *
 * @param addressHash the suppression-list hash of the address
 * @param outboxId    the email whose link was used; null when the link named none
 */
public record Unsubscribed(String addressHash, Long outboxId) {
}
