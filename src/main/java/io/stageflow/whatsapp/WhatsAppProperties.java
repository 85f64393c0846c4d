package io.stageflow.whatsapp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The WhatsApp channel ({@code stageflow.whatsapp.*}): a WhatsApp Business phone number on Meta's Cloud API that sends
 * the "Send WhatsApp" steps' template messages, and whose webhook reports deliveries and the customers' STOP and
 * START. Off by default: while {@code enabled} is false no WhatsApp message is delivered and the webhook answers 404.
 * Only templates Meta approved may be sent, so the business lists them here ({@code templates}), and a step naming
 * another template, a language the template lacks, or the wrong number of parameters is refused when its journey is
 * deployed.
 *
 * @param enabled        whether this installation sends WhatsApp messages
 * @param baseUrl        the Graph API, without a trailing slash
 * @param apiVersion     the Graph API version in the messages URL
 * @param phoneNumberId  the business phone number's id (not the number): part of the messages URL
 * @param accessToken    the system user's access token, sent as a bearer token
 * @param appSecret      the Meta app's secret, the key of the webhook's {@code X-Hub-Signature-256}
 * @param verifyToken    the token Meta sends back when the webhook is subscribed ({@code hub.verify_token})
 * @param connectTimeout how long a connection to the Cloud API may take; a failed connection is retried
 * @param readTimeout    how long the Cloud API may take to answer once the request left; past it the outcome is
 *                       unknown and the message is not sent again
 * @param templates      the approved templates by name (write names with underscores in brackets:
 *                       {@code templates[order_shipped].languages=en_US,de})
 */
@ConfigurationProperties("stageflow.whatsapp")
public record WhatsAppProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("https://graph.facebook.com") String baseUrl,
        @DefaultValue("v21.0") String apiVersion,
        String phoneNumberId,
        String accessToken,
        String appSecret,
        String verifyToken,
        @DefaultValue("PT5S") Duration connectTimeout,
        @DefaultValue("PT10S") Duration readTimeout,
        Map<String, Template> templates) {

    /**
     * An approved template.
     *
     * @param languages  the language codes it was approved in ({@code en_US}, {@code de})
     * @param parameters how many body parameters ({@code {{1}}}, {@code {{2}}}, …) it has
     */
    public record Template(List<String> languages, @DefaultValue("0") int parameters) {

        public Template {
            languages = languages == null ? List.of() : List.copyOf(languages);
        }
    }

    public WhatsAppProperties {
        templates = templates == null ? Map.of() : Map.copyOf(templates);
    }

    /** {@link #baseUrl()} without a trailing slash. */
    String apiBase() {
        return baseUrl.replaceAll("/+$", "");
    }

    /** Whether the webhook can be checked: WhatsApp is on and there is an app secret to check it with. */
    boolean webhooksOn() {
        return enabled && appSecret != null && !appSecret.isBlank();
    }
}
