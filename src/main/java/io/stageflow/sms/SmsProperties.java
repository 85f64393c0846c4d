package io.stageflow.sms;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The SMS channel ({@code stageflow.sms.*}): a Twilio account (or a provider with Twilio's Messages API) that sends
 * the "Send SMS" steps' texts, and whose webhooks report deliveries and the customers' replies (STOP, START, HELP).
 * Off by default: while {@code enabled} is false no SMS is delivered, a journey with a "Send SMS" step cannot queue
 * one, and the SMS webhooks answer 404.
 *
 * @param enabled             whether this installation sends SMS
 * @param baseUrl             the provider's API, without a trailing slash
 * @param accountSid          the account SID, the user of HTTP Basic and part of the Messages URL
 * @param authToken           the account's auth token: the password of HTTP Basic, and the key the provider signs its
 *                            webhooks with ({@code X-Twilio-Signature})
 * @param from                the sender: an E.164 number or an alphanumeric sender id; blank when
 *                            {@code messagingServiceSid} is set
 * @param messagingServiceSid a Messaging Service to send through instead of {@code from} (it picks the sender)
 * @param publicUrl           the address the provider reaches Stageflow at, for the status callback and the webhooks'
 *                            signatures; blank: {@code stageflow.web.public-url}
 * @param doubleOptIn         whether a marketing consent recorded through the API waits (PENDING) until the number
 *                            replies YES or START
 * @param helpText            the answer to a customer's HELP or INFO
 * @param connectTimeout      how long a connection to the provider may take; a failed connection is retried
 * @param readTimeout         how long the provider may take to answer once the request left; past it the outcome is
 *                            unknown and the SMS is not sent again
 */
@ConfigurationProperties("stageflow.sms")
public record SmsProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("https://api.twilio.com") String baseUrl,
        String accountSid,
        String authToken,
        String from,
        String messagingServiceSid,
        String publicUrl,
        @DefaultValue("false") boolean doubleOptIn,
        @DefaultValue("Reply STOP to stop these messages, START to get them again.") String helpText,
        @DefaultValue("PT5S") Duration connectTimeout,
        @DefaultValue("PT10S") Duration readTimeout) {

    /** {@link #baseUrl()} without a trailing slash. */
    String apiBase() {
        return baseUrl.replaceAll("/+$", "");
    }

    /** Where the provider reaches Stageflow, without a trailing slash: {@code publicUrl}, else the web's. */
    String publicBase(io.stageflow.web.WebProperties web) {
        return publicUrl == null || publicUrl.isBlank() ? web.baseUrl() : publicUrl.replaceAll("/+$", "");
    }

    /** Whether the provider's webhooks can be checked: SMS is on and there is an auth token to check them with. */
    boolean webhooksOn() {
        return enabled && authToken != null && !authToken.isBlank();
    }
}
