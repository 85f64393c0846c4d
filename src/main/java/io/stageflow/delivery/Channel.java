package io.stageflow.delivery;

import java.util.Locale;

/**
 * The ways Stageflow reaches a customer. Every outbox row names its channel; email is the first and the default,
 * and each other channel is delivered by its {@link ChannelAdapter} under the same claim, retry, backoff and incident
 * rules as email.
 */
public enum Channel {
    EMAIL, WEBHOOK, SMS, WHATSAPP;

    /** The channel as settings, URLs and the message log write it: {@code email}, {@code webhook}, {@code sms}, {@code whatsapp}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
