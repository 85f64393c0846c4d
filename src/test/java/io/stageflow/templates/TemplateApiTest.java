package io.stageflow.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.security.Roles;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestTemplates;
import io.stageflow.testing.MimeParts;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;

import jakarta.mail.internet.MimeMessage;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.FileSystemUtils;

/**
 * Preview and test send over HTTP, against the running application and a real SMTP server: the preview is what
 * delivery sends, a mistake in a template answers 422 with file, line and reference, and a test send reaches
 * only the test address.
 */
@ExtendWith(OutputCaptureExtension.class)
class TemplateApiTest extends IntegrationTest {

    private static final String PASSWORD = "Marketer-pass-42";

    @Autowired
    IdentityService identityService;

    @Autowired
    LoggingSystem logging;

    /** Template folders this test writes into the application's templates folder, the way a marketer edits. */
    private final List<Path> fixtures = new ArrayList<>();

    @AfterEach
    void removeFixtures() throws IOException {
        for (Path fixture : fixtures) {
            FileSystemUtils.deleteRecursively(fixture);
        }
        logging.setLogLevel("io.stageflow", LogLevel.INFO);
    }

    @Test
    void aPreviewForACustomerIsExactlyWhatDeliverySentThemButForTracking() throws Exception {
        String id = uniqueId();
        String email = id + "@example.com";
        client().signUp(id, email, "Ada & Co");
        MimeMessage delivered = awaitMail(email, 1).get(0);

        Response preview = post(client(), "/api/v1/templates/welcome/preview", "{\"customerId\":\"" + id + "\"}");

        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        JsonNode json = preview.json();
        MimeParts parts = MimeParts.of(delivered);
        assertThat(json.path("subject").asText()).isEqualTo(delivered.getSubject()).contains("Ada & Co");
        assertThat(anyUnsubscribeToken(json.path("html").asText()))
                .isEqualTo(anyUnsubscribeToken(lf(untracked(parts.html(), id)))).contains("Hi Ada &amp; Co,");
        assertThat(anyUnsubscribeToken(json.path("text").asText()))
                .isEqualTo(anyUnsubscribeToken(lf(untrackedText(parts.text(), id))));
        assertThat(json.path("locale").asText()).isEqualTo("default");
    }

    /**
     * The text with every unsubscribe token the same: an email's own link also names the email (so an unsubscribe
     * is credited to it), which a preview, being no email, cannot.
     */
    private static String anyUnsubscribeToken(String text) {
        return text.replaceAll("https://stageflow\\.test/u/[A-Za-z0-9_.-]+", "https://stageflow.test/u/TOKEN");
    }

    /**
     * The delivered HTML as it was before open and click tracking (docs/analytics.md): without the open pixel, and
     * with each tracked link put back to the address recorded for it.
     */
    private String untracked(String html, String customerId) {
        java.util.List<String> urls = recordedLinks(customerId);
        String withoutPixel = html.replaceAll("<img src=\"https://stageflow\\.test/o/[^\"]+\"[^>]*>", "");
        java.util.regex.Matcher tracked = java.util.regex.Pattern.compile("https://stageflow\\.test/c/[^\"]+")
                .matcher(withoutPixel);
        StringBuilder out = new StringBuilder();
        int index = 0;
        while (tracked.find()) {
            tracked.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                    org.springframework.web.util.HtmlUtils.htmlEscape(urls.get(index++))));
        }
        tracked.appendTail(out);
        assertThat(index).as("every recorded link is in the email").isEqualTo(urls.size()).isPositive();
        return out.toString();
    }

    /**
     * The delivered text part as it was before click tracking: each link marked with {@code $track.link} put back
     * to the address recorded for the index its token names ({@code /c/c<email>-<index>.<signature>}, base 36).
     */
    private String untrackedText(String text, String customerId) {
        java.util.List<String> urls = recordedLinks(customerId);
        java.util.regex.Matcher tracked = java.util.regex.Pattern
                .compile("https://stageflow\\.test/c/c[0-9a-z]+-([0-9a-z]+)\\.[A-Za-z0-9_-]+").matcher(text);
        StringBuilder out = new StringBuilder();
        int found = 0;
        while (tracked.find()) {
            found++;
            tracked.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                    urls.get(Integer.parseInt(tracked.group(1), 36))));
        }
        tracked.appendTail(out);
        assertThat(found).as("the welcome email's text part tracks its shop link").isPositive();
        return out.toString();
    }

    private java.util.List<String> recordedLinks(String customerId) {
        return jdbc.sql("""
                select l.url from sf_tracked_link l join sf_tracked_email e on e.outbox_id = l.outbox_id
                where e.customer_id = ? order by l.link_index""").param(customerId).query(String.class).list();
    }

    @Test
    void aPreviewWithSampleTraitsRendersInTheRequestedLocaleWithItsFallback() {
        Response preview = post(client(), "/api/v1/templates/welcome/preview",
                "{\"sampleTraits\":{\"firstName\":\"Jörg\",\"plan\":\"pro\"},\"locale\":\"de-AT\"}");

        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        JsonNode json = preview.json();
        assertThat(json.path("subject").asText()).startsWith("Willkommen bei").contains("Jörg");
        assertThat(json.path("html").asText()).contains("<html lang=\"de\">").contains("Hallo Jörg!")
                .contains("E-Mail-Einstellungen</a>");
        assertThat(json.path("text").asText()).contains("Abmelden: https://stageflow.test/u/");
        assertThat(json.path("locale").asText()).as("the folder used for de-AT").isEqualTo("de");

        Response withoutName = post(client(), "/api/v1/templates/welcome/preview", "{\"sampleTraits\":{}}");
        assertThat(withoutName.json().path("text").asText()).contains("Hi there,");
    }

    @Test
    void anUndefinedReferenceAnswers422NamingTheFileTheLineAndTheReference() throws IOException {
        String key = fixture("<p>Hi ${customer.firstName|'there'}</p>\n<p>Your plan:</p>\n<p>$customer.traits.plan</p>");

        Response missing = post(client(), "/api/v1/templates/" + key + "/preview", "{\"sampleTraits\":{}}");
        Response present = post(client(), "/api/v1/templates/" + key + "/preview",
                "{\"sampleTraits\":{\"plan\":\"pro\"}}");

        assertThat(missing.status()).as(missing.body()).isEqualTo(422);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        JsonNode problem = missing.json();
        assertThat(problem.path("file").asText()).isEqualTo("templates/" + key + "/html.vm");
        assertThat(problem.path("line").asInt()).isEqualTo(3);
        assertThat(problem.path("reference").asText()).isEqualTo("$customer.traits.plan");
        assertThat(problem.path("detail").asText()).contains("templates/" + key + "/html.vm")
                .contains("$customer.traits.plan has no value");
        assertThat(present.status()).as(present.body()).isEqualTo(200);
        assertThat(present.json().path("html").asText()).contains("<p>pro</p>");
    }

    @Test
    void aTemplateThatDoesNotParseOrBreaksTheSandboxAnswers422() throws IOException {
        String broken = fixture("<p>Hi</p>\n#if($customer.firstName <p>oops</p>");
        String tricky = fixture("<p>$customer.getClass().forName('java.lang.Runtime')</p>");

        Response parse = post(client(), "/api/v1/templates/" + broken + "/preview", "{\"sampleTraits\":{}}");
        Response sandbox = post(client(), "/api/v1/templates/" + tricky + "/preview", "{\"sampleTraits\":{}}");

        assertThat(parse.status()).isEqualTo(422);
        assertThat(parse.json().path("detail").asText()).startsWith("templates/" + broken + "/html.vm does not parse");
        assertThat(parse.json().path("line").asInt()).isEqualTo(2);
        assertThat(sandbox.status()).isEqualTo(422);
        assertThat(sandbox.json().path("detail").asText())
                .startsWith("templates/" + tricky + "/html.vm is refused by the template sandbox")
                .contains("getClass()");
    }

    @Test
    void unknownTemplatesAndSharedFoldersAnswer404() {
        Response unknown = post(client(), "/api/v1/templates/no-such-template/preview", "{\"sampleTraits\":{}}");
        Response shared = post(client(), "/api/v1/templates/_layouts/preview", "{\"sampleTraits\":{}}");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(shared.status()).isEqualTo(404);
    }

    @Test
    void theRecipientMustBeExactlyOneKnownCustomerOrValidSampleTraits() {
        Response unknown = post(client(), "/api/v1/templates/welcome/preview", "{\"customerId\":\"nobody-" + uniqueId() + "\"}");
        Response both = post(client(), "/api/v1/templates/welcome/preview",
                "{\"customerId\":\"c-1\",\"sampleTraits\":{}}");
        Response neither = post(client(), "/api/v1/templates/welcome/preview", "{\"locale\":\"de\"}");
        Response badTraits = post(client(), "/api/v1/templates/welcome/preview",
                "{\"sampleTraits\":{\"email\":\"not-an-address\",\"timeZone\":\"Mars/Olympus\",\"firstName\":7}}");
        Response badLocale = post(client(), "/api/v1/templates/welcome/preview",
                "{\"sampleTraits\":{},\"locale\":\"not a locale\"}");

        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.json().path("errors").get(0).path("field").asText()).isEqualTo("customerId");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().path("errors").get(0).path("field").asText()).isEqualTo("customerId");
        assertThat(neither.status()).isEqualTo(400);
        assertThat(badTraits.status()).isEqualTo(400);
        assertThat(badTraits.json().path("errors").findValuesAsText("field"))
                .containsExactly("sampleTraits.firstName");
        Response badProfile = post(client(), "/api/v1/templates/welcome/preview",
                "{\"sampleTraits\":{\"email\":\"not-an-address\",\"timeZone\":\"Mars/Olympus\"}}");
        assertThat(badProfile.json().path("errors").findValuesAsText("field"))
                .containsExactly("sampleTraits.email", "sampleTraits.timeZone");
        assertThat(badLocale.status()).isEqualTo(400);
        assertThat(badLocale.json().path("errors").get(0).path("field").asText()).isEqualTo("locale");
    }

    @Test
    void aTestSendReachesOnlyTheTestAddressLooksRealAndLeavesNoTrace(CapturedOutput output) throws Exception {
        logging.setLogLevel("io.stageflow", LogLevel.DEBUG);
        String id = uniqueId();
        String customerEmail = id + "@example.com";
        String tester = "tester-" + id + "@example.org";
        client().putCustomer(id, "{\"email\":\"%s\",\"firstName\":\"Ada\",\"locale\":\"de-AT\"}".formatted(customerEmail))
                .expectStatus(201);

        Response sent = post(client(), "/api/v1/templates/welcome/test-send",
                "{\"to\":\"%s\",\"customerId\":\"%s\"}".formatted(tester, id));

        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        MimeMessage received = awaitMail(tester, 1).get(0);
        assertThat(received.getSubject()).startsWith("[TEST] Willkommen bei").contains("Ada");
        assertThat(received.getMessageID()).isEqualTo(sent.json().path("messageId").asText())
                .matches("<sf\\.test\\.[0-9a-f]{16}@[a-z0-9.-]+>");
        assertThat(received.getHeader("List-Unsubscribe", null)).startsWith("<https://stageflow.test/u/");
        assertThat(received.getContentType()).startsWith("multipart/alternative");
        MimeParts parts = MimeParts.of(received);
        assertThat(parts.text()).contains("Hallo Ada!").contains("Abmelden: https://stageflow.test/u/");
        assertThat(parts.html()).contains("Hallo Ada!").contains("E-Mail-Einstellungen</a>");
        assertThat(sent.json().path("locale").asText()).isEqualTo("de");

        assertThat(mailTo(customerEmail)).as("never to the customer").isEmpty();
        assertThat(client().get("/api/v1/customers/" + id + "/messages").json()).as("no outbox row, no cap")
                .isEmpty();
        assertThat(output.getAll()).contains("Test send of template welcome").doesNotContain(tester)
                .doesNotContain(customerEmail);
    }

    @Test
    void aTestSendWithSampleTraitsGoesOutInTheRequestedLocale() throws Exception {
        String tester = "tester-" + uniqueId() + "@example.org";

        Response sent = post(client(), "/api/v1/templates/welcome-reminder/test-send",
                "{\"to\":\"%s\",\"sampleTraits\":{\"firstName\":\"Grace\"},\"locale\":\"en-GB\"}".formatted(tester));

        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        MimeMessage received = awaitMail(tester, 1).get(0);
        assertThat(received.getSubject()).isEqualTo("[TEST] Hi Grace, still thinking it over?");
        assertThat(MimeParts.of(received).text()).contains("Hi Grace,");
    }

    @Test
    void aBadTestAddressIsRefusedByName() {
        for (String body : List.of("{\"to\":\"not-an-address\",\"sampleTraits\":{}}",
                "{\"to\":\"a@example.com, b@example.com\",\"sampleTraits\":{}}", "{\"sampleTraits\":{}}")) {
            Response refused = post(client(), "/api/v1/templates/welcome/test-send", body);

            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().path("errors").findValuesAsText("field")).as(body).containsExactly("to");
        }
    }

    @Test
    void marketersAndAdminsMayPreviewAndTestSendOthersMayNot() {
        StageflowClient marketer = client(user(Roles.MARKETER), PASSWORD);
        StageflowClient operator = client(user(Roles.OPERATOR), PASSWORD);
        String tester = "tester-" + uniqueId() + "@example.org";
        String testSend = "{\"to\":\"%s\",\"sampleTraits\":{}}".formatted(tester);

        assertThat(post(marketer, "/api/v1/templates/welcome/preview", "{\"sampleTraits\":{}}").status()).isEqualTo(200);
        assertThat(post(marketer, "/api/v1/templates/welcome/test-send", testSend).status()).isEqualTo(202);
        assertThat(post(operator, "/api/v1/templates/welcome/preview", "{\"sampleTraits\":{}}").status()).isEqualTo(403);
        assertThat(post(operator, "/api/v1/templates/welcome/test-send", testSend).status()).isEqualTo(403);
        assertThat(post(client(null, null), "/api/v1/templates/welcome/preview", "{}").status()).isEqualTo(401);
    }

    /** Writes a template folder into the application's templates folder (a copy in target/); removed after the test. */
    private String fixture(String html) throws IOException {
        String key = "api-test-" + UUID.randomUUID().toString().substring(0, 8);
        fixtures.add(TestTemplates.writeAndAwait(jdbc, key, Map.of("subject.vm", "Hi", "html.vm", html, "text.vm", "Hi")));
        return key;
    }

    private String user(String group) {
        String id = group + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        User user = identityService.newUser(id);
        user.setPassword(PASSWORD);
        identityService.saveUser(user);
        identityService.createMembership(id, group);
        return id;
    }

    private static Response post(StageflowClient client, String path, String json) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), true);
    }

    private static String uniqueId() {
        return "t-" + UUID.randomUUID().toString().substring(0, 12).toLowerCase(Locale.ROOT);
    }

    private static String lf(String text) {
        return text.replace("\r\n", "\n");
    }
}
