package io.stageflow.delivery;

import java.util.Map;

import io.stageflow.subscriptions.EmailCategory;

/**
 * An outbox row as the dispatcher needs it. {@code attempts} is also the claim's fencing token: each claim raises
 * it, so a dispatcher whose lease another node took over can no longer change the row. {@code eventMessageId} and
 * {@code journeyVariables} (empty for none) are what the step that queued it gave the template
 * ({@link EmailRequest}). {@code channel} is the row's channel, and {@code channelSettings} the step's settings of a
 * non-email message ({@link ChannelRequest}), empty for email.
 */
record OutboxEntry(
        long id,
        String idempotencyKey,
        String customerId,
        String templateKey,
        EmailCategory category,
        String journeyKey,
        String journeyInstanceId,
        String stepId,
        int attempts,
        boolean respectQuietHours,
        int ambiguousDeliveries,
        SendPriority priority,
        String eventMessageId,
        Map<String, Object> journeyVariables,
        Channel channel,
        Map<String, String> channelSettings) {

    /** The row as its next claim leaves it: one attempt more. */
    OutboxEntry nextAttempt() {
        return new OutboxEntry(id, idempotencyKey, customerId, templateKey, category, journeyKey, journeyInstanceId,
                stepId, attempts + 1, respectQuietHours, ambiguousDeliveries, priority, eventMessageId, journeyVariables, channel,
                channelSettings);
    }
}
