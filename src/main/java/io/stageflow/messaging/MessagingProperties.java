package io.stageflow.messaging;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** How Stageflow renders and delivers email ({@code stageflow.messaging.*}). */
@ConfigurationProperties("stageflow.messaging")
public record MessagingProperties(
        @DefaultValue("templates") Path templatesDir,
        @DefaultValue("2") int templateCheckInterval,
        String from,
        @DefaultValue("file") Transport transport,
        @DefaultValue("var/outbox") Path fileOutboxDir,
        @DefaultValue Brand brand,
        @DefaultValue Dispatcher dispatcher,
        @DefaultValue("http://localhost:8080") String publicUrl,
        @DefaultValue Unsubscribe unsubscribe,
        @DefaultValue Pacing pacing,
        @DefaultValue Consent consent) {

    /** Where rendered email goes. */
    public enum Transport {
        /** {@code .eml} files in {@code file-outbox-dir}: the same MIME as SMTP, with no server needed. */
        FILE,
        /** SMTP through Spring Boot's {@code spring.mail.*} settings. */
        SMTP
    }

    /** Sender details every template can use; the postal address is required in marketing email by law. */
    public record Brand(
            @DefaultValue("Stageflow") String name,
            @DefaultValue("https://example.com") String websiteUrl,
            @DefaultValue("") String postalAddress) {
    }

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

    /**
     * How often marketing email may reach one customer, and when not: caps over any 24 hours and any 7 days, and
     * quiet hours in the recipient's time zone. {@code onLimit}: defer the send to the next allowed moment (the
     * default) or skip it. Transactional email is exempt.
     */
    public record Pacing(
            @DefaultValue("1") int marketingPerDay,
            @DefaultValue("3") int marketingPerWeek,
            @DefaultValue("21:00") LocalTime quietHoursStart,
            @DefaultValue("08:00") LocalTime quietHoursEnd,
            @DefaultValue("defer") OnLimit onLimit) {

        /** What happens to a send that may not go now. */
        public enum OnLimit { DEFER, SKIP }
    }

    /**
     * Whose consent marketing email needs. By default a customer who declined ({@code marketingConsent: false})
     * gets none, and one never asked does (the soft opt-in many jurisdictions allow for existing customers). With
     * {@code requireOptIn} (GDPR-style double opt-in businesses) only an explicit {@code true} allows it.
     */
    public record Consent(@DefaultValue("false") boolean requireOptIn) {
    }

    /** Delivery pace and retries. */
    public record Dispatcher(
            @DefaultValue("50") int batchSize,
            @DefaultValue("PT0.5S") Duration idleWait,
            @DefaultValue("8") int maxAttempts,
            @DefaultValue("PT30S") Duration retryBackoff,
            @DefaultValue("PT1H") Duration maxRetryBackoff,
            @DefaultValue("PT2M") Duration lease,
            @DefaultValue("flag") OnAmbiguousDelivery onAmbiguousDelivery) {
    }

    /**
     * What becomes of an email whose delivery broke off after the message was handed to the mail server (the node
     * crashed, or the connection dropped, between SMTP {@code DATA} and the server's answer): the server may or may
     * not have accepted it.
     */
    public enum OnAmbiguousDelivery {
        /** Never send it again: the row ends {@code OUTCOME_UNKNOWN}, visible in the message log and the metrics. */
        FLAG,
        /**
         * Send it once more with the same Message-ID (which many mailbox providers use to drop a duplicate);
         * a second ambiguous delivery of the same row ends {@code OUTCOME_UNKNOWN}.
         */
        RESEND
    }
}
