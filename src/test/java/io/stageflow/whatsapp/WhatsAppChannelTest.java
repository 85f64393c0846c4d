package io.stageflow.whatsapp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.customers.CustomerService;
import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelMessage;
import io.stageflow.delivery.ChannelResult;
import io.stageflow.delivery.ChannelRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.testing.DemoJourneys;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient.Response;
import io.stageflow.testing.TestWhatsAppProvider;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The WhatsApp channel end to end, with a WireMock server as Meta's Cloud API: a journey's "Send WhatsApp" step
 * posts exactly the documented template message with its parameters rendered for the customer and the bearer token,
 * and a status notification signed with the app secret marks it delivered while a forged one is refused and changes
 * nothing; the subscription handshake answers the challenge for the verify token only; a number that is no WhatsApp
 * user (131026) is marked unreachable and not retried; a 503 is retried; a marketing template without the number's
 * opt-in is suppressed, and one to a number that stopped marketing (131050) opts it out; an unknown template (132001)
 * fails; no answer within the read timeout is an unknown outcome; a STOP written on WhatsApp opts the number out. Time
 * is moved with the engine clock.
 */
class WhatsAppChannelTest extends IntegrationTest {

    @Autowired
    Outbox outbox;

    @Autowired
    WhatsAppConsents consents;

    @Autowired
    Clock clock;

    @Autowired
    ObjectMapper json;

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    CustomerService customers;

    @Autowired
    TemplateRenderer templates;

    private String run;
    private String customer;
    private String phone;

    @BeforeEach
    void customerWithAPhone() {
        run = UUID.randomUUID().toString().substring(0, 8);
        customer = "wa-" + run;
        phone = "+49151" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
        client().putCustomer(customer, """
                {"email":"%s@example.com","firstName":"Anna","timeZone":"UTC","marketingConsent":true,
                 "traits":{"phone":"%s"}}""".formatted(customer, phone)).expectStatus(201);
    }

    @Test
    void aJourneySendsTheDocumentedTemplateMessageAndASignedStatusMarksItDelivered() throws IOException {
        String wamid = "wamid.HBgM" + run;
        accept(wamid);
        String message = "whatsapp_demo_" + run;
        repositoryService.createDeployment().addString("whatsapp-demo-" + run + ".bpmn", demo(message)).deploy();

        String instance = runtimeService.startProcessInstanceByMessage(message, customer).getId();

        String key = instance + ":SendWhatsApp:0";
        long id = jdbc.sql("select id from sf_outbox where idempotency_key = ?").param(key).query(Long.class).single();
        awaitStatus(id, "SENT");
        List<LoggedRequest> sent = requestsTo(phone);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getHeader("Authorization")).isEqualTo("Bearer " + TestWhatsAppProvider.ACCESS_TOKEN);
        assertThat(sent.get(0).getHeader("Content-Type")).startsWith("application/json");
        assertThat(json.readTree(sent.get(0).getBodyAsString())).isEqualTo(json.readTree("""
                {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "%s", "type": "template",
                 "template": {"name": "order_shipped", "language": {"code": "en_US"},
                   "components": [{"type": "body", "parameters": [
                     {"type": "text", "text": "Anna"}, {"type": "text", "text": "%s@example.com"}]}]}}"""
                .formatted(phone.substring(1), customer)));
        assertThat(row(id, "channel")).isEqualTo("WHATSAPP");
        assertThat(row(id, "provider_message_id")).isEqualTo(wamid);
        assertThat(row(id, "recipient")).isEqualTo(phone);
        assertThat(row(id, "delivered_at")).isNull();

        String delivered = statusNotification(wamid, "delivered", null);
        notify(delivered, "sha256=" + "0".repeat(64)).expectStatus(401);
        notify(delivered, null).expectStatus(401);
        notify(delivered, WhatsAppWebhooksController.sign("not-the-app-secret",
                delivered.getBytes(StandardCharsets.UTF_8))).expectStatus(401);
        assertThat(row(id, "delivered_at")).as("a forged status changes nothing").isNull();

        notify(delivered, signed(delivered)).expectStatus(200);
        assertThat(row(id, "delivered_at")).isNotNull();
    }

    @Test
    void theSubscriptionHandshakeAnswersTheChallengeForTheVerifyTokenOnly() {
        Response answer = client().get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token="
                + TestWhatsAppProvider.VERIFY_TOKEN + "&hub.challenge=1158201444").expectStatus(200);
        assertThat(answer.body()).isEqualTo("1158201444");
        assertThat(answer.contentType()).startsWith("text/plain");
        client().get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guessed&hub.challenge=1")
                .expectStatus(403);
        client().get("/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token="
                + TestWhatsAppProvider.VERIFY_TOKEN + "&hub.challenge=1").expectStatus(403);
    }

    @Test
    void aNumberThatIsNoWhatsAppUserIsMarkedUnreachableAndNotRetried() {
        TestWhatsAppProvider.server().stubFor(post(urlEqualTo(TestWhatsAppProvider.MESSAGES_PATH))
                .withRequestBody(matchingJsonPath("$.to", equalTo(phone.substring(1))))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"message": "(#131026) Message undeliverable", "type": "OAuthException",
                         "code": 131026, "error_data": {"messaging_product": "whatsapp",
                         "details": "Message undeliverable to %s"}, "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"}}"""
                        .formatted(phone.substring(1)))));

        long id = queue("shipped", EmailCategory.TRANSACTIONAL);
        awaitStatus(id, "FAILED");

        assertThat(row(id, "attempts")).isEqualTo("1");
        assertThat(row(id, "last_error")).contains("131026").doesNotContain(phone.substring(1));
        assertThat(consents.find(phone)).map(WhatsAppConsents.Consent::status)
                .contains(WhatsAppConsents.Status.UNREACHABLE);
        long next = queue("next", EmailCategory.TRANSACTIONAL);
        awaitStatus(next, "SUPPRESSED");
        assertThat(requestsTo(phone)).as("nothing more tried at the number").hasSize(1);
    }

    @Test
    void aMarketingTemplateToANumberThatStoppedMarketingOptsItOutAndAnUnknownTemplateFails() {
        optIn();
        refuse(131050, "User's marketing messages stopped");
        long marketing = queue("sale", EmailCategory.MARKETING);
        awaitStatus(marketing, "FAILED");
        assertThat(row(marketing, "attempts")).isEqualTo("1");
        assertThat(consents.find(phone)).map(WhatsAppConsents.Consent::status)
                .contains(WhatsAppConsents.Status.OPTED_OUT);

        client().put("/api/v1/customers/" + customer + "/whatsapp-consent",
                "{\"phone\":\"" + phone + "\",\"status\":\"opted_in\"}").expectStatus(200);
        refuse(132001, "Template name does not exist in the translation");
        long unknown = queue("unknown", EmailCategory.TRANSACTIONAL);
        awaitStatus(unknown, "FAILED");
        assertThat(row(unknown, "last_error")).contains("132001");
        assertThat(consents.find(phone)).map(WhatsAppConsents.Consent::status)
                .contains(WhatsAppConsents.Status.OPTED_IN);
    }

    @Test
    void noAnswerWithinTheReadTimeoutIsAnUnknownOutcomeAndNoConnectionIsRetried() {
        TestWhatsAppProvider.server().stubFor(post(urlEqualTo(TestWhatsAppProvider.MESSAGES_PATH))
                .withRequestBody(matchingJsonPath("$.to", equalTo(phone.substring(1))))
                .willReturn(okWith("wamid.late").withFixedDelay(3_000)));
        ChannelMessage message = new ChannelMessage(1, "msg_test", 1, Channel.WHATSAPP, "hello_world",
                customers.find(customer).orElseThrow(), EmailCategory.TRANSACTIONAL, null, null, "test",
                Map.of("template", "hello_world", "language", "en_US"), Map.of());

        assertThat(adapter(TestWhatsAppProvider.baseUrl(), Duration.ofMillis(500)).deliver(message))
                .isInstanceOf(ChannelResult.Unknown.class);
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(adapter("http://127.0.0.1:" + closedPort, Duration.ofSeconds(5)).deliver(message))
                .isInstanceOf(ChannelResult.Retry.class);
    }

    private WhatsAppCloudAdapter adapter(String baseUrl, Duration readTimeout) {
        return new WhatsAppCloudAdapter(new WhatsAppProperties(true, baseUrl, TestWhatsAppProvider.API_VERSION,
                TestWhatsAppProvider.PHONE_NUMBER_ID, TestWhatsAppProvider.ACCESS_TOKEN,
                TestWhatsAppProvider.APP_SECRET, null, Duration.ofSeconds(2), readTimeout, Map.of()), consents,
                templates, json, clock);
    }

    private void refuse(int code, String title) {
        TestWhatsAppProvider.server().stubFor(post(urlEqualTo(TestWhatsAppProvider.MESSAGES_PATH))
                .withRequestBody(matchingJsonPath("$.to", equalTo(phone.substring(1))))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"message": "(#%d) %s", "type": "OAuthException", "code": %d,
                         "error_data": {"messaging_product": "whatsapp", "details": "%s"}}}"""
                        .formatted(code, title, code, title))));
    }

    @Test
    void anOutageIsRetried() {
        String scenario = "wa-outage-" + run;
        TestWhatsAppProvider.server().stubFor(post(urlEqualTo(TestWhatsAppProvider.MESSAGES_PATH))
                .withRequestBody(matchingJsonPath("$.to", equalTo(phone.substring(1))))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "120")).willSetStateTo("back"));
        TestWhatsAppProvider.server().stubFor(post(urlEqualTo(TestWhatsAppProvider.MESSAGES_PATH))
                .withRequestBody(matchingJsonPath("$.to", equalTo(phone.substring(1))))
                .inScenario(scenario).whenScenarioStateIs("back")
                .willReturn(okWith("wamid.retried" + run)));

        Instant queuedAt = clock.instant();
        long id = queue("shipped", EmailCategory.TRANSACTIONAL);
        awaitStatus(id, "PENDING");
        Instant next = jdbc.sql("select next_attempt_at from sf_outbox where id = ?").param(id)
                .query(Timestamp.class).single().toInstant();
        assertThat(next).isBetween(queuedAt.plusSeconds(119), queuedAt.plusSeconds(130));

        ClockUtil.offset(Duration.ofSeconds(131).toMillis());
        awaitStatus(id, "SENT");
        assertThat(row(id, "attempts")).isEqualTo("2");
        assertThat(row(id, "provider_message_id")).isEqualTo("wamid.retried" + run);
    }

    @Test
    void aMarketingTemplateWithoutTheNumbersOptInIsSuppressedAndATransactionalOneGoes() {
        accept("wamid.tx" + run);
        long marketing = queue("sale", EmailCategory.MARKETING);
        long transactional = queue("shipped", EmailCategory.TRANSACTIONAL);
        awaitStatus(marketing, "SUPPRESSED");
        awaitStatus(transactional, "SENT");
        assertThat(row(marketing, "last_error")).contains("no WhatsApp marketing opt-in");
        assertThat(requestsTo(phone)).hasSize(1);
    }

    @Test
    void aStopWrittenOnWhatsAppOptsTheNumberOutAndStartOptsItIn() {
        optIn();
        String stop = inboundText("stop ");
        notify(stop, WhatsAppWebhooksController.sign("forged", stop.getBytes(StandardCharsets.UTF_8)))
                .expectStatus(401);
        assertThat(consents.find(phone)).map(WhatsAppConsents.Consent::status)
                .contains(WhatsAppConsents.Status.OPTED_IN);

        notify(stop, signed(stop)).expectStatus(200);
        assertThat(consents.find(phone)).map(WhatsAppConsents.Consent::status)
                .contains(WhatsAppConsents.Status.OPTED_OUT);
        long transactional = queue("shipped", EmailCategory.TRANSACTIONAL);
        awaitStatus(transactional, "SUPPRESSED");
        assertThat(row(transactional, "last_error")).contains("opted out");
        assertThat(requestsTo(phone)).isEmpty();

        String start = inboundText("START");
        notify(start, signed(start)).expectStatus(200);
        assertThat(consents.find(phone)).map(WhatsAppConsents.Consent::status)
                .contains(WhatsAppConsents.Status.OPTED_IN);
    }

    @Test
    void aFailedStatusWithError131026MarksTheNumberUnreachable() {
        optIn();
        String wamid = "wamid.failed" + run;
        accept(wamid);
        long id = queue("sale", EmailCategory.MARKETING);
        awaitStatus(id, "SENT");

        String failed = statusNotification(wamid, "failed", "131026");
        notify(failed, signed(failed)).expectStatus(200);

        assertThat(row(id, "status")).isEqualTo("BOUNCED");
        assertThat(row(id, "last_error")).contains("failed (error 131026): Message undeliverable");
        assertThat(consents.find(phone)).map(WhatsAppConsents.Consent::status)
                .contains(WhatsAppConsents.Status.UNREACHABLE);
    }

    @Test
    void theConsentApiRecordsANumberAndRefusesBadInputNamingTheFieldAndErasureForgetsIt() {
        Response refused = client().put("/api/v1/customers/" + customer + "/whatsapp-consent",
                "{\"phone\":\"0151 1234567\",\"status\":\"opted_in\"}").expectStatus(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("errors").get(0).path("field").asText()).isEqualTo("phone");
        Response badStatus = client().put("/api/v1/customers/" + customer + "/whatsapp-consent",
                "{\"phone\":\"" + phone + "\",\"status\":\"pending\"}").expectStatus(400);
        assertThat(badStatus.json().path("errors").get(0).path("field").asText()).isEqualTo("status");
        client().put("/api/v1/customers/no-such-" + run + "/whatsapp-consent",
                "{\"phone\":\"" + phone + "\",\"status\":\"opted_in\"}").expectStatus(404);

        optIn();
        assertThat(client().get("/api/v1/customers/" + customer + "/export").expectStatus(200).json()
                .path("whatsappConsent").get(0).path("status").asText()).isEqualTo("opted_in");
        client().delete("/api/v1/customers/" + customer).expectStatus(204);
        assertThat(consents.find(phone)).isEmpty();
    }

    private void optIn() {
        client().put("/api/v1/customers/" + customer + "/whatsapp-consent",
                "{\"phone\":\"" + phone + "\",\"status\":\"opted_in\"}").expectStatus(200);
    }

    private com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okWith(String wamid) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"messaging_product": "whatsapp", "contacts": [{"input": "%s", "wa_id": "%s"}],
                 "messages": [{"id": "%s", "message_status": "accepted"}]}"""
                .formatted(phone.substring(1), phone.substring(1), wamid));
    }

    private void accept(String wamid) {
        TestWhatsAppProvider.server().stubFor(post(urlEqualTo(TestWhatsAppProvider.MESSAGES_PATH))
                .withRequestBody(matchingJsonPath("$.to", equalTo(phone.substring(1))))
                .willReturn(okWith(wamid)));
    }

    /** Queues a template message for the customer, as the "Send WhatsApp" step does; its outbox row's id. */
    private long queue(String name, EmailCategory category) {
        String key = "wa-test:" + name + ":" + customer;
        outbox.enqueue(new ChannelRequest(key, customer, Channel.WHATSAPP, "order_shipped", category, null, null,
                "wa-test-" + name, Map.of("template", "order_shipped", "language", "en_US",
                        "parameters", "$!customer.firstName\n12345"), null, null));
        return jdbc.sql("select id from sf_outbox where idempotency_key = ?").param(key).query(Long.class).single();
    }

    private void awaitStatus(long id, String status) {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(row(id, "status")).as("row %s", id).isEqualTo(status));
    }

    private String row(long id, String column) {
        return jdbc.sql("select " + column + " from sf_outbox where id = ?").param(id)
                .query((rs, n) -> rs.getString(1)).list().get(0);
    }

    private List<LoggedRequest> requestsTo(String number) {
        return TestWhatsAppProvider.server().findAll(postRequestedFor(urlEqualTo(TestWhatsAppProvider.MESSAGES_PATH))
                .withRequestBody(matchingJsonPath("$.to", equalTo(number.substring(1)))));
    }

    private String statusNotification(String wamid, String status, String errorCode) {
        String errors = errorCode == null ? "" : """
                , "errors": [{"code": %s, "title": "Message undeliverable", "message": "Message undeliverable"}]"""
                .formatted(errorCode);
        return """
                {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
                  "field": "messages", "value": {"messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "15550783881", "phone_number_id": "%s"},
                  "statuses": [{"id": "%s", "status": "%s", "timestamp": "1750263773", "recipient_id": "%s"%s}]}}]}]}"""
                .formatted(TestWhatsAppProvider.PHONE_NUMBER_ID, wamid, status, phone.substring(1), errors);
    }

    private String inboundText(String text) {
        return """
                {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
                  "field": "messages", "value": {"messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "15550783881", "phone_number_id": "%s"},
                  "contacts": [{"profile": {"name": "Anna"}, "wa_id": "%s"}],
                  "messages": [{"from": "%s", "id": "wamid.in%s", "timestamp": "1750263773", "type": "text",
                    "text": {"body": "%s"}}]}}]}]}"""
                .formatted(TestWhatsAppProvider.PHONE_NUMBER_ID, phone.substring(1), phone.substring(1), run, text);
    }

    private static String signed(String body) {
        return WhatsAppWebhooksController.sign(TestWhatsAppProvider.APP_SECRET, body.getBytes(StandardCharsets.UTF_8));
    }

    private Response notify(String body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(client().uri("/webhooks/whatsapp"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return client().send(request, false);
    }

    /** The test journey with this run's keys, its step run at once (not in the background). */
    private String demo(String message) throws IOException {
        return DemoJourneys.copyAs("whatsapp-demo", "whatsapp-demo-" + run)
                .replace("name=\"whatsapp_demo\"", "name=\"" + message + "\"")
                .replace("camunda:asyncBefore=\"true\"", "camunda:asyncBefore=\"false\"");
    }
}
