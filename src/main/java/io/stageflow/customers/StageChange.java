package io.stageflow.customers;

import java.time.Instant;

/**
 * One step in a customer's stage history. {@code cause} says what moved them ({@code rule:first-order},
 * {@code journey:welcome/MarkEngaged}, {@code api}); {@code reference} is the event's messageId or the journey
 * instance behind it, for attribution.
 */
public record StageChange(String fromStage, String toStage, Instant changedAt, String cause, String reference) {
}
