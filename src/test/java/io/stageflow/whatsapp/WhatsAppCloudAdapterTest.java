package io.stageflow.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

/**
 * The WhatsApp adapter and webhook without the application: WhatsApp switched on without its phone number id, access
 * token or app secret stops the start-up naming the setting; a template without parameters is sent without
 * {@code components}; the webhook's signature is the hex HMAC-SHA256 of the raw body, as Meta computes it.
 */
class WhatsAppCloudAdapterTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void switchedOnWithoutItsIdTokenOrSecretStopsTheStartUpNamingTheSetting() {
        assertThatThrownBy(() -> adapter(properties(null, "token", "secret")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stageflow.whatsapp.phone-number-id");
        assertThatThrownBy(() -> adapter(properties("123", " ", "secret")))
                .hasMessageContaining("stageflow.whatsapp.access-token");
        assertThatThrownBy(() -> adapter(properties("123", "token", null)))
                .hasMessageContaining("stageflow.whatsapp.app-secret");
    }

    @Test
    void aTemplateWithoutParametersIsSentWithoutComponents() throws Exception {
        String body = adapter(properties("123", "token", "secret")).body("+4915112345678", "hello_world", "en_US",
                List.of(), Map.of());
        assertThat(json.readTree(body)).isEqualTo(json.readTree("""
                {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "4915112345678",
                 "type": "template", "template": {"name": "hello_world", "language": {"code": "en_US"}}}"""));
    }

    @Test
    void theSignatureIsTheHexHmacSha256OfTheRawBody() {
        byte[] body = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);
        String expected = "sha256=6181ffb07e99b650e7cd9a132e3f66127ec8827e9bab6e8df0feba5a07ea4c64";
        assertThat(WhatsAppWebhooksController.sign("my-app-secret", body)).isEqualTo(expected);
        assertThat(WhatsAppWebhooksController.verifies("my-app-secret", body, expected)).isTrue();
        assertThat(WhatsAppWebhooksController.verifies("other-secret", body, expected)).isFalse();
        assertThat(WhatsAppWebhooksController.verifies("my-app-secret", body, null)).isFalse();
        assertThat(WhatsAppWebhooksController.verifies("my-app-secret", body, expected.substring(7))).isFalse();
    }

    @Test
    void theParametersAreTheStepsNonBlankLines() {
        assertThat(WhatsAppCloudAdapter.parameters("$!customer.firstName\r\n\n  12345  \n")).containsExactly(
                "$!customer.firstName", "12345");
        assertThat(WhatsAppCloudAdapter.parameters(null)).isEmpty();
    }

    private static WhatsAppProperties properties(String phoneNumberId, String accessToken, String appSecret) {
        return new WhatsAppProperties(true, "http://127.0.0.1:1", "v21.0", phoneNumberId, accessToken, appSecret,
                "verify", Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of());
    }

    private WhatsAppCloudAdapter adapter(WhatsAppProperties properties) {
        return new WhatsAppCloudAdapter(properties, null, null, json, Clock.systemUTC());
    }
}
