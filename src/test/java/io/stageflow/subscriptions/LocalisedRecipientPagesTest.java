package io.stageflow.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient.Response;
import io.stageflow.testing.TestTemplates;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The unsubscribe and preference pages speak the customer's language, with the templates' fallback: a German
 * customer's welcome email is German, and so are the pages its links lead to; an Austrian one falls back to German,
 * a customer in a language Stageflow has no texts for gets English. A link that names no customer follows the
 * browser. A text changed in the templates folder shows at once.
 */
class LocalisedRecipientPagesTest extends IntegrationTest {

    @Test
    void aGermanCustomersUnsubscribeAndPreferencePagesAreGerman() throws Exception {
        String url = unsubscribeUrlOfWelcome("de");

        Response confirm = anonymousGet(url, null);
        assertThat(confirm.body()).contains("<html lang=\"de\">").contains("Keine Marketing-E-Mails mehr von")
                .contains(">Abmelden</button>").doesNotContain("Unsubscribe");
        Response unsubscribed = anonymousPost(url, "");
        assertThat(unsubscribed.body()).contains("Sie sind abgemeldet")
                .contains("Haben Sie es sich anders überlegt?");
        Response preferences = anonymousGet(url + "/preferences", "en-US,en;q=0.8");
        assertThat(preferences.body()).as("the customer's language, whatever the browser says")
                .contains("<title>E-Mail-Einstellungen</title>").contains("Marketing-E-Mails")
                .contains("Transaktionale E-Mails").contains(">Speichern</button>");
        Response saved = anonymousPost(url + "/preferences", "marketing=yes");
        assertThat(saved.body()).contains("Ihre Auswahl ist gespeichert.");
    }

    @Test
    void anAustrianFallsBackToGermanAndAnUnknownLanguageToEnglish() throws Exception {
        assertThat(anonymousGet(unsubscribeUrlOfWelcome("de-AT"), null).body()).contains("<html lang=\"de\">")
                .contains("<title>Von ").doesNotContain("Unsubscribe from");
        assertThat(anonymousGet(unsubscribeUrlOfWelcome("fi"), "de").body()).contains("<html lang=\"en\">")
                .contains("Stop receiving marketing email from");
    }

    @Test
    void aForgedLinkFollowsTheBrowsersLanguage() {
        Response forged = anonymousGet("https://stageflow.test/u/not-a-signed-token", "de-CH, de;q=0.9, en;q=0.5");
        assertThat(forged.status()).isEqualTo(404);
        assertThat(forged.body()).contains("Link ungültig").contains("Dieser Abmeldelink ist ungültig");
        assertThat(anonymousGet("https://stageflow.test/u/not-a-signed-token", null).body())
                .contains("This unsubscribe link is not valid");
    }

    @Test
    void aTextInTheTemplatesFolderReplacesTheShippedOne() throws Exception {
        String url = unsubscribeUrlOfWelcome("de");
        Path pages = TestTemplates.dir().resolve("_pages");
        Path german = pages.resolve("de").resolve("messages.properties");
        try {
            Files.createDirectories(german.getParent());
            Files.writeString(german, "unsubscribe.confirm.button=Jetzt abmelden\n", StandardCharsets.UTF_8);
            org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> anonymousGet(url, null).body()
                    .contains(">Jetzt abmelden</button>"));
            assertThat(anonymousGet(url, null).body()).as("the other texts are still the shipped ones")
                    .contains("Keine Marketing-E-Mails mehr von");
        } finally {
            FileSystemUtils.deleteRecursively(pages);
        }
    }

    /** The unsubscribe link of the welcome email of a new customer in {@code locale}. */
    private String unsubscribeUrlOfWelcome(String locale) throws Exception {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";
        client().putCustomer(id, "{\"email\":\"%s\",\"firstName\":\"Ada\",\"locale\":\"%s\"}".formatted(email, locale))
                .expectStatus(201);
        client().postEvents("{\"messageId\":\"signup-%1$s\",\"type\":\"signed_up\",\"customerId\":\"%1$s\"}"
                .formatted(id)).expectStatus(202);
        MimeMessage welcome = awaitMail(email, 1).get(0);
        String header = welcome.getHeader("List-Unsubscribe", null);
        return header.substring(header.indexOf('<') + 1, header.indexOf('>'));
    }

    private Response anonymousGet(String url, String acceptLanguage) {
        HttpRequest.Builder request = HttpRequest.newBuilder(client().uri(URI.create(url).getPath())).GET();
        if (acceptLanguage != null) {
            request.header("Accept-Language", acceptLanguage);
        }
        return client(null, null).send(request, false);
    }

    private Response anonymousPost(String url, String form) {
        return client(null, null).send(HttpRequest.newBuilder(client().uri(URI.create(url).getPath()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), false);
    }
}
