package io.stageflow.delivery;

import io.stageflow.subscriptions.EmailCategory;

/**
 * A journey step's request to email a customer. The idempotency key names the step execution, so asking
 * twice for the same key queues one email. {@code respectQuietHours} is false for replies to the customer's
 * own action (a welcome email right after the signup): they go at once, at any hour. {@code priority} orders it in
 * the dispatcher's queue and under the frequency cap ({@link SendPriority}).
 */
public record EmailRequest(
        String idempotencyKey,
        String customerId,
        String templateKey,
        EmailCategory category,
        String journeyKey,
        String journeyInstanceId,
        String stepId,
        boolean respectQuietHours,
        SendPriority priority) {

    public EmailRequest {
        if (priority == null) {
            priority = SendPriority.forJourney(category);
        }
    }

    /** A journey's request: transactional email goes first, marketing email as a journey step's normal priority. */
    public EmailRequest(String idempotencyKey, String customerId, String templateKey, EmailCategory category,
            String journeyKey, String journeyInstanceId, String stepId, boolean respectQuietHours) {
        this(idempotencyKey, customerId, templateKey, category, journeyKey, journeyInstanceId, stepId,
                respectQuietHours, null);
    }

    /** A request that keeps the recipient's quiet hours, as most marketing email should. */
    public EmailRequest(String idempotencyKey, String customerId, String templateKey, EmailCategory category,
            String journeyKey, String journeyInstanceId, String stepId) {
        this(idempotencyKey, customerId, templateKey, category, journeyKey, journeyInstanceId, stepId, true);
    }
}
