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
 * @param dispatcher    the delivery pace, retries and lease
 * @param pacing        how often marketing email may reach one customer, and when not
 * @param consent       whose consent marketing email needs
 * @param sentCopies    how long the copy of each email as it was sent is kept, for the console
 * @param returnPath    the bounce address, e.g. {@code bounces@bounce.shop.example}: each email's envelope sender is
 *                      then made from it per email ({@code bounces+<row>-<signature>@bounce.shop.example}, VERP), so
 *                      that a late bounce names its email; the mailbox behind it is read by
 *                      {@code stageflow.bounces.mailbox.*}. Blank: the envelope sender is {@code from}
 * @param channels      how messages of the other channels (webhooks, SMS, WhatsApp) are delivered
 */
@ConfigurationProperties("stageflow.delivery")
public record DeliveryProperties(
        String from,
        @DefaultValue("file") Transport transport,
        @DefaultValue("var/outbox") Path fileOutboxDir,
        @DefaultValue Dispatcher dispatcher,
        @DefaultValue Pacing pacing,
        @DefaultValue Consent consent,
        @DefaultValue SentCopies sentCopies,
        String returnPath,
        @DefaultValue Channels channels) {

    /** Where rendered email goes. */
    public enum Transport {
        /** {@code .eml} files in {@code file-outbox-dir}: the same MIME as SMTP, with no server needed. */
        FILE,
        /** SMTP through Spring Boot's {@code spring.mail.*} settings. */
        SMTP
    }

    /**
     * How often marketing email may reach one customer, and when not: caps over any 24 hours and any 7 days, and
     * quiet hours in the recipient's time zone. Transactional email is exempt.
     *
     * @param marketingPerDay  marketing emails one customer may get over any 24 hours
     * @param marketingPerWeek marketing emails one customer may get over any 7 days
     * @param quietHoursStart  start of the quiet hours, in the recipient's time zone; a send inside them waits
     * @param quietHoursEnd    end of the quiet hours
     * @param onLimit          {@code defer}: send at the next allowed moment (recorded as deferred); {@code skip}: do
     *                         not send (recorded as skipped)
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
     *
     * @param requireOptIn marketing email only to customers with {@code marketingConsent: true} (strict opt-in)
     */
    public record Consent(@DefaultValue("false") boolean requireOptIn) {
    }

    /**
     * The copy of each email as it was sent (subject, HTML and text, before tracking rewrote its links), which the
     * console shows on the customer's timeline. It holds personal data, so it is kept only so long, and erasing the
     * customer deletes it at once.
     *
     * @param keepFor how long a copy is kept after the email was sent; {@code 0} keeps none
     */
    public record SentCopies(@DefaultValue("P90D") Duration keepFor) {

        /** Whether copies are kept at all. */
        public boolean kept() {
            return !keepFor.isZero() && !keepFor.isNegative();
        }
    }

    /**
     * Delivery pace and retries.
     *
     * @param batchSize           rows one dispatcher pass takes on
     * @param connections         delivery lanes per node: each sends one email of every wave over an SMTP
     *                            connection of its own, in parallel with the others (each row is still claimed,
     *                            handed over and recorded under its own fence, so lanes on any number of nodes send it
     *                            once). More lanes deliver faster, and a node that dies may leave one email a lane
     *                            with its outcome unknown
     * @param idleWait            the pause between passes when nothing was due
     * @param maxAttempts         attempts before a temporarily failing email fails for good
     * @param retryBackoff        the wait after the first failed attempt, doubling with each further one
     * @param maxRetryBackoff     the longest wait between attempts
     * @param lease               how long a claimed row is the claiming node's; a row whose node stopped is taken back
     *                            after it (sent again if it had not reached the mail server)
     * @param onAmbiguousDelivery {@code flag}: an email cut off between SMTP DATA and the server's answer is never
     *                            resent and ends {@code outcome_unknown}; {@code resend}: it is sent once more with
     *                            the same Message-ID (docs/operations.md)
     * @param maxPerSecond        emails one node hands to the mail server per second at most, over all its lanes,
     *                            retries included (a provider's sending limit divided by the number of nodes);
     *                            {@code 0}: no limit
     */
    public record Dispatcher(
            @DefaultValue("200") int batchSize,
            @DefaultValue("4") int connections,
            @DefaultValue("PT0.5S") Duration idleWait,
            @DefaultValue("8") int maxAttempts,
            @DefaultValue("PT30S") Duration retryBackoff,
            @DefaultValue("PT1H") Duration maxRetryBackoff,
            @DefaultValue("PT2M") Duration lease,
            @DefaultValue("flag") OnAmbiguousDelivery onAmbiguousDelivery,
            @DefaultValue("0") int maxPerSecond) {

        /** The wait before the next attempt after {@code attempts} attempts: doubling from {@code retryBackoff}, capped. */
        public Duration backoffAfter(int attempts) {
            Duration backoff = retryBackoff.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 20));
            return backoff.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : backoff;
        }
    }

    /**
     * How the other channels' messages (webhooks, SMS, WhatsApp) are delivered; retries, backoff and the lease are the
     * dispatcher's. Each channel has its own polling thread and its own call threads, so a slow endpoint never holds up
     * email or another channel.
     *
     * @param batchSize        rows one pass of a channel takes on
     * @param concurrency      calls of one channel in flight at once on a node
     * @param idleWait         the pause between a channel's passes when nothing was due
     * @param marketingPerDay  marketing messages of one channel (SMS, WhatsApp) one customer may get over any 24
     *                         hours; each channel counts its own, apart from email's cap. A message over the cap waits
     *                         until the window allows it
     * @param marketingPerWeek marketing messages of one channel one customer may get over any 7 days
     */
    public record Channels(
            @DefaultValue("50") int batchSize,
            @DefaultValue("4") int concurrency,
            @DefaultValue("PT0.5S") Duration idleWait,
            @DefaultValue("1") int marketingPerDay,
            @DefaultValue("3") int marketingPerWeek) {
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
