package io.stageflow.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Stageflow delivers email ({@code stageflow.delivery.*}): the sender, the transport, the dispatcher's pace and
 * retries, pacing per customer, and whose consent marketing email needs.
 *
 * @param from          the sender, e.g. {@code "Shop <hello@shop.example>"}; required
 * @param transport     {@code file} (the default) or {@code smtp}
 * @param fileOutboxDir where the file transport writes {@code .eml} files
 */
@ConfigurationProperties("stageflow.delivery")
public record DeliveryProperties(
        String from,
        @DefaultValue("file") Transport transport,
        @DefaultValue("var/outbox") Path fileOutboxDir,
        @DefaultValue Dispatcher dispatcher,
        @DefaultValue Pacing pacing,
        @DefaultValue Consent consent) {

    /** Where rendered email goes. */
    public enum Transport {
        /** {@code .eml} files in {@code file-outbox-dir}: the same MIME as SMTP, with no server needed. */
        FILE,
        /** SMTP through Spring Boot's {@code spring.mail.*} settings. */
        SMTP
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

    /**
     * Delivery pace and retries. {@code lease}: how long a claimed row is the claiming node's; a row whose node
     * stopped is taken back after it.
     */
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
