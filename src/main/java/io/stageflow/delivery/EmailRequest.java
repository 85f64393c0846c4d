package io.stageflow.delivery;

import java.util.Map;

import io.stageflow.subscriptions.EmailCategory;

/**
 * A journey step's request to email a customer. The idempotency key names the step execution, so asking
 * twice for the same key queues one email. {@code respectQuietHours} is false for replies to the customer's
 * own action (a welcome email right after the signup): they go at once, at any hour. {@code priority} orders it in
 * the dispatcher's queue and under the frequency cap ({@link SendPriority}). {@code eventMessageId} names the event
 * that led the journey to the step ({@code $event} in the template) and {@code journeyVariables} the journey's
 * variables it exposes to templates ({@code $journey.<name>}): simple values (texts, numbers, true or false), captured
 * when the email is queued; null or empty for none.
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
        SendPriority priority,
        String eventMessageId,
        Map<String, Object> journeyVariables) {

    public EmailRequest {
        if (priority == null) {
            priority = SendPriority.forJourney(category);
        }
        journeyVariables = journeyVariables == null ? Map.of() : Map.copyOf(journeyVariables);
    }

    /** A request without an event or journey variables for the template (a broadcast's). */
    public EmailRequest(String idempotencyKey, String customerId, String templateKey, EmailCategory category,
            String journeyKey, String journeyInstanceId, String stepId, boolean respectQuietHours,
            SendPriority priority) {
        this(idempotencyKey, customerId, templateKey, category, journeyKey, journeyInstanceId, stepId,
                respectQuietHours, priority, null, null);
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
