package io.stageflow.delivery;

/**
 * Published when an email from a journey step could not be delivered and will not be retried on its own, so
 * the journey side can raise it where operators look (a Camunda incident on the instance).
 * {@link Outbox#redeliver(long)} with {@code outboxId} tries once more.
 */
public record DeliveryFailed(
        long outboxId,
        String journeyInstanceId,
        String stepId,
        String templateKey,
        int attempts,
        String error) {
}
