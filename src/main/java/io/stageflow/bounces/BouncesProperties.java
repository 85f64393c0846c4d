package io.stageflow.bounces;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where bounces and spam complaints come from, and what they do ({@code stageflow.bounces.*}). A hard bounce
 * suppresses its address at once and a complaint suppresses it for marketing; soft bounces suppress only after
 * {@code softBounceLimit} of them within {@code softBounceWindow}. Each source is off until it is configured.
 *
 * @param softBounceLimit  soft bounces (of different emails) within the window that suppress the address
 * @param softBounceWindow the window the soft bounces are counted in
 * @param mailbox          the mailbox delivery status notifications and feedback-loop reports arrive in
 * @param ses              Amazon SES notifications through SNS, at {@code /webhooks/ses}
 * @param sendgrid         SendGrid's signed event webhook, at {@code /webhooks/sendgrid}
 * @param mailgun          Mailgun's signed webhooks, at {@code /webhooks/mailgun}
 * @param postmark         Postmark's bounce and spam-complaint webhooks, at {@code /webhooks/postmark}
 * @param webhookTolerance how old a signed timestamp (SendGrid, Mailgun) may be, either way, to be accepted
 */
@ConfigurationProperties("stageflow.bounces")
public record BouncesProperties(
        @DefaultValue("3") int softBounceLimit,
        @DefaultValue("P7D") Duration softBounceWindow,
        @DefaultValue Mailbox mailbox,
        @DefaultValue Ses ses,
        @DefaultValue SendGrid sendgrid,
        @DefaultValue Mailgun mailgun,
        @DefaultValue Postmark postmark,
        @DefaultValue("PT10M") Duration webhookTolerance) {

    /**
     * The bounce mailbox, read over IMAP or POP3: where {@code stageflow.delivery.return-path} leads (a catch-all or
     * plus-addressed mailbox for its {@code +} addresses), and where feedback loops may send their reports. Read
     * messages are deleted. Off while {@code host} is blank.
     *
     * @param protocol     {@code imaps}, {@code imap}, {@code pop3s} or {@code pop3}
     * @param host         the mail server
     * @param port         its port (blank: the protocol's)
     * @param username     the mailbox's user
     * @param password     the mailbox's password
     * @param folder       the folder to read
     * @param pollInterval the pause between reads
     */
    public record Mailbox(
            @DefaultValue("imaps") String protocol,
            String host,
            Integer port,
            String username,
            String password,
            @DefaultValue("INBOX") String folder,
            @DefaultValue("PT1M") Duration pollInterval) {
    }

    /**
     * Amazon SES bounce and complaint notifications, delivered by an SNS topic subscription (HTTPS). Every message's
     * SNS signature is checked with the certificate it names, which must be Amazon's ({@code sns.<region>.amazonaws.com}).
     *
     * @param topicArns the SNS topics whose messages are accepted (and whose subscriptions are confirmed); none: off
     */
    public record Ses(@DefaultValue List<String> topicArns) {
    }

    /**
     * SendGrid's Event Webhook with the signature turned on (ECDSA over the timestamp and the body).
     *
     * @param verificationKey the webhook's public key as SendGrid shows it (base64); blank: off
     */
    public record SendGrid(String verificationKey) {
    }

    /**
     * Mailgun's webhooks (HMAC-SHA256 of the timestamp and token with the webhook signing key).
     *
     * @param signingKey the HTTP webhook signing key; blank: off
     */
    public record Mailgun(String signingKey) {
    }

    /**
     * Postmark's bounce and spam-complaint webhooks, which Postmark authenticates with HTTP Basic credentials in the
     * webhook URL ({@code https://user:password@…/webhooks/postmark}).
     *
     * @param username the user in the webhook URL; blank: off
     * @param password the password in the webhook URL
     */
    public record Postmark(String username, String password) {
    }
}
