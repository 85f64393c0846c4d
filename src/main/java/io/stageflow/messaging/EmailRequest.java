package io.stageflow.messaging;

/**
 * A journey step's request to email a customer. The idempotency key names the step execution, so asking
 * twice for the same key queues one email.
 */
public record EmailRequest(
        String idempotencyKey,
        String customerId,
        String templateKey,
        EmailCategory category,
        String journeyKey,
        String journeyInstanceId,
        String stepId) {
}
