package io.stageflow.delivery;

import java.util.Map;

/**
 * Delivers one channel's messages (a webhook, SMS, WhatsApp), one attempt at a time: a Spring bean per channel, found
 * by the outbox's channel dispatcher. The dispatcher claims the row, checks the customer's consent for the channel
 * ({@link #consent}), keeps quiet hours where the channel asks, and records what {@link #deliver} answers: the same
 * claim, retry, backoff, incident and exactly-once rules as email. An adapter never blocks longer than its own
 * timeouts, and never retries by itself.
 */
public interface ChannelAdapter {

    /** The channel this adapter delivers; one adapter a channel. */
    Channel channel();

    /**
     * Whether a marketing message on this channel waits out the recipient's quiet hours (SMS and WhatsApp always do;
     * a webhook calls a system, not a person).
     */
    boolean keepsQuietHours();

    /**
     * Whether a message whose outcome is unknown (the node stopped, or the connection broke, after the request left)
     * may be delivered again: true only when the receiver deduplicates on {@link ChannelMessage#deliveryId()}, as a
     * Standard Webhooks receiver does on {@code webhook-id}. Otherwise such a message is flagged
     * {@code OUTCOME_UNKNOWN}, never repeated.
     */
    boolean safeToRepeat();

    /**
     * Why a step with these settings cannot send, or null when it can: checked when a journey is deployed and when a
     * step's message is previewed (an unknown endpoint, a body that does not render to valid JSON, an unknown WhatsApp
     * template). Each problem names the setting.
     */
    String problemWith(Map<String, String> settings);

    /**
     * Whether this customer may be reached on this channel for a message of this category now (consent, a reachable
     * address); {@link ChannelConsent#allowed()} for yes, else the reason the message is suppressed or skipped.
     */
    ChannelConsent consent(ChannelMessage message);

    /**
     * What the message would be for this customer, rendered as {@link #deliver} would render it, without sending it
     * (the console's and the API's preview). A setting that cannot be rendered, or a customer address the channel
     * cannot use (a phone number that is not E.164), is refused with
     * {@link io.stageflow.web.InvalidInputException} naming the field ({@code settings.body}, {@code phone}).
     */
    ChannelPreview preview(ChannelMessage message);

    /**
     * Makes one attempt at delivering the message and says how it went. Runs after the row was claimed and marked
     * handed over, outside any transaction.
     */
    ChannelResult deliver(ChannelMessage message);
}
