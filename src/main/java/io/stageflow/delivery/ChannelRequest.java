package io.stageflow.delivery;

import java.util.Map;

import io.stageflow.subscriptions.EmailCategory;

/**
 * A journey step's request to reach a customer on a channel other than email: call a webhook, send an SMS or a
 * WhatsApp template message. As with {@link EmailRequest}, the idempotency key names the step execution, so asking
 * twice queues one message. {@code name} is what the message log and analytics show it as (the webhook endpoint's
 * name, the SMS step, the WhatsApp template) and {@code settings} are the step's own inputs, which the channel's
 * {@link ChannelAdapter} reads when it delivers (the body or text template, the endpoint, the response field).
 * {@code category} decides consent, quiet hours and priority as it does for email. {@code eventMessageId} and
 * {@code journeyVariables} are the event and journey variables a template may use ({@code $event}, {@code $journey}).
 */
public record ChannelRequest(
        String idempotencyKey,
        String customerId,
        Channel channel,
        String name,
        EmailCategory category,
        String journeyKey,
        String journeyInstanceId,
        String stepId,
        Map<String, String> settings,
        String eventMessageId,
        Map<String, Object> journeyVariables) {

    public ChannelRequest {
        if (channel == null || channel == Channel.EMAIL) {
            throw new IllegalArgumentException("An email is queued as an EmailRequest");
        }
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        journeyVariables = journeyVariables == null ? Map.of() : Map.copyOf(journeyVariables);
    }
}
