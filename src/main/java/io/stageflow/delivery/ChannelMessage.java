package io.stageflow.delivery;

import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.subscriptions.EmailCategory;

/**
 * One message of a channel on its way, as its {@link ChannelAdapter} sees it. {@code deliveryId} is the same on every
 * attempt at this message, on every node (it is derived from the outbox row), so a receiver can deduplicate retries
 * ({@code webhook-id}). {@code model} is what the step's templates are rendered with (the customer's profile as it is
 * now, {@code $event}, {@code $journey}), and {@code settings} the step's inputs ({@link ChannelRequest#settings()}).
 */
public record ChannelMessage(
        long outboxId,
        String deliveryId,
        int attempt,
        Channel channel,
        String name,
        Customer customer,
        EmailCategory category,
        String journeyKey,
        String journeyInstanceId,
        String stepId,
        Map<String, String> settings,
        Map<String, Object> model) {
}
