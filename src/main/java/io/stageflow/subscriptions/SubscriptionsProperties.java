package io.stageflow.subscriptions;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** How recipients unsubscribe and choose what they receive ({@code stageflow.subscriptions.*}). */
@ConfigurationProperties("stageflow.subscriptions")
public record SubscriptionsProperties(@DefaultValue Unsubscribe unsubscribe) {

    /**
     * One-click unsubscribe (RFC 8058). {@code mailbox}, when set, is offered as the {@code mailto:} alternative
     * in {@code List-Unsubscribe}, and {@code inbox} says how Stageflow reads the mail sent to it; one is
     * required with the other.
     */
    public record Unsubscribe(@DefaultValue("P730D") Duration linkValidity, String mailbox, @DefaultValue Inbox inbox) {

        /** Where the unsubscribe mailbox is read: {@code imaps} (the default), {@code imap}, {@code pop3s} or {@code pop3}. */
        public record Inbox(
                @DefaultValue("imaps") String protocol,
                String host,
                Integer port,
                String username,
                String password,
                @DefaultValue("PT1M") Duration pollInterval) {
        }
    }
}
