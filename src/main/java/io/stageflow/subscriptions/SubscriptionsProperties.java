package io.stageflow.subscriptions;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How recipients unsubscribe and choose what they receive ({@code stageflow.subscriptions.*}).
 *
 * @param unsubscribe one-click unsubscribe links and the optional unsubscribe mailbox
 */
@ConfigurationProperties("stageflow.subscriptions")
public record SubscriptionsProperties(@DefaultValue Unsubscribe unsubscribe) {

    /**
     * One-click unsubscribe (RFC 8058). {@code mailbox}, when set, is offered as the {@code mailto:} alternative
     * in {@code List-Unsubscribe}, and {@code inbox} says how Stageflow reads the mail sent to it; one is
     * required with the other.
     *
     * @param linkValidity how long an unsubscribe link keeps working after its email was sent
     * @param mailbox      the {@code mailto:} alternative in {@code List-Unsubscribe}; Stageflow reads it and
     *                     unsubscribes its senders (none by default)
     * @param inbox        how Stageflow reads that mailbox
     */
    public record Unsubscribe(@DefaultValue("P730D") Duration linkValidity, String mailbox, @DefaultValue Inbox inbox) {

        /**
         * Where the unsubscribe mailbox is read.
         *
         * @param protocol     {@code imaps}, {@code imap}, {@code pop3s} or {@code pop3}
         * @param host         the mail server; required with a mailbox
         * @param port         its port (blank: the protocol's)
         * @param username     the mailbox's user
         * @param password     the mailbox's password
         * @param pollInterval the pause between reads
         */
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
