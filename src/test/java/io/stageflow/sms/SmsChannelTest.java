package io.stageflow.sms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.customers.CustomerService;
import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelMessage;
import io.stageflow.delivery.ChannelResult;
import io.stageflow.delivery.ChannelRequest;
import io.stageflow.delivery.EmailRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.delivery.SendPriority;
import io.stageflow.delivery.SwitchableQuietHours;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient.Response;
import io.stageflow.testing.TestSmsProvider;
import io.stageflow.web.WebProperties;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The SMS channel end to end, with a Twilio-style WireMock server as the provider: an SMS queued in the outbox is
 * posted form-encoded with the account's Basic credentials and a status callback, and recorded sent under the
 * provider's SID; a signed status callback marks it delivered; a signed inbound STOP ends all further SMS to the
 * number at once while email to the same customer still goes, and a forged one changes nothing; an invalid number
 * (21211) is marked unreachable and not retried; a 503 is retried after the provider's Retry-After. Time is moved with
 * the engine clock, never slept.
 */
class SmsChannelTest extends IntegrationTest {

    private static final String PUBLIC_URL = "https://stageflow.test";

    @Autowired
    Outbox outbox;

    @Autowired
    SmsConsents consents;

    @Autowired
    Clock clock;

    @Autowired
    CustomerService customers;

    @Autowired
    WebProperties web;

    @Autowired
    TemplateRenderer templates;

    @Autowired
    ObjectMapper json;

    @Autowired
    SwitchableQuietHours quietHours;

    private String run;
    private String customer;
    private String phone;

    @BeforeEach
    void customerWithAPhone() {
        run = UUID.randomUUID().toString().substring(0, 8);
        customer = "sms-" + run;
        phone = "+49151" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
        client().putCustomer(customer, """
                {"email":"%s@example.com","firstName":"Anna","timeZone":"UTC","marketingConsent":true,
                 "traits":{"phone":"%s"}}""".formatted(customer, phone)).expectStatus(201);
    }

    @Test
    void anSmsIsPostedWithTheRightFormAndCredentialsAndASignedStatusCallbackMarksItDelivered() {
        optIn();
        String sid = "SM" + run + "0000000000000000000000";
        accept(sid);

        long id = queue("offer", EmailCategory.MARKETING, "Hi $customer.firstName, 20% off today only!");
        awaitStatus(id, "SENT");

        List<LoggedRequest> sent = requestsTo(phone);
        assertThat(sent).hasSize(1);
        LoggedRequest request = sent.get(0);
        assertThat(request.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                (TestSmsProvider.ACCOUNT_SID + ":" + TestSmsProvider.AUTH_TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(form(request.getBodyAsString())).containsExactlyEntriesOf(ordered(
                "To", phone,
                "From", TestSmsProvider.FROM,
                "Body", "Hi Anna, 20% off today only!",
                "StatusCallback", PUBLIC_URL + "/webhooks/sms/status"));
        assertThat(row(id, "provider_message_id")).isEqualTo(sid);
        assertThat(row(id, "recipient")).isEqualTo(phone);
        assertThat(row(id, "delivered_at")).isNull();

        webhook("/webhooks/sms/status", ordered("MessageSid", sid, "MessageStatus", "delivered", "To", phone), true)
                .expectStatus(204);

        assertThat(row(id, "delivered_at")).isNotNull();
    }

    @Test
    void aSignedInboundStopEndsAllFurtherSmsAtOnceWhileEmailStillGoes() {
        optIn();
        accept("SM" + run + "1111111111111111111111");
        awaitStatus(queue("first", EmailCategory.MARKETING, "Our sale starts now"), "SENT");

        Response answer = webhook("/webhooks/sms/inbound", ordered("From", phone, "To", TestSmsProvider.FROM,
                "Body", " stop ", "MessageSid", "SM-in-" + run), true).expectStatus(200);
        assertThat(answer.body()).contains("<Response>").doesNotContain("<Message>");
        assertThat(consents.find(phone)).map(SmsConsents.Consent::status).contains(SmsConsents.Status.OPTED_OUT);

        long marketing = queue("second", EmailCategory.MARKETING, "Last chance");
        long transactional = queue("shipped", EmailCategory.TRANSACTIONAL, "Your order has shipped");
        awaitStatus(marketing, "SUPPRESSED");
        awaitStatus(transactional, "SUPPRESSED");
        assertThat(row(marketing, "last_error")).contains("opted out");
        assertThat(requestsTo(phone)).as("only the SMS before the STOP").hasSize(1);

        outbox.enqueue(new EmailRequest("sms-test-email:" + customer, customer, "welcome",
                EmailCategory.TRANSACTIONAL, null, null, "sms-test", false, SendPriority.TRANSACTIONAL));
        long email = jdbc.sql("select id from sf_outbox where idempotency_key = ?").param("sms-test-email:" + customer)
                .query(Long.class).single();
        awaitStatus(email, "SENT");

        // HELP is answered with the help text; START opts the number in again.
        assertThat(webhook("/webhooks/sms/inbound", ordered("From", phone, "Body", "HELP"), true).expectStatus(200)
                .body()).contains("<Message>Reply STOP to stop these messages");
        webhook("/webhooks/sms/inbound", ordered("From", phone, "Body", "START"), true).expectStatus(200);
        assertThat(consents.find(phone)).map(SmsConsents.Consent::status).contains(SmsConsents.Status.OPTED_IN);
    }

    @Test
    void aForgedOrUnsignedInboundStopIsRefusedAndChangesNothing() {
        optIn();
        webhook("/webhooks/sms/inbound", ordered("From", phone, "Body", "STOP"), false).expectStatus(401);
        Map<String, String> params = ordered("From", phone, "Body", "STOP");
        String forged = TwilioSignature.sign("not-the-auth-token", PUBLIC_URL + "/webhooks/sms/inbound",
                multi(params));
        postForm("/webhooks/sms/inbound", params, forged).expectStatus(401);
        // Signed for other parameters: the body was changed on the way.
        String signedForStart = TwilioSignature.sign(TestSmsProvider.AUTH_TOKEN, PUBLIC_URL + "/webhooks/sms/inbound",
                multi(ordered("From", phone, "Body", "START")));
        postForm("/webhooks/sms/inbound", params, signedForStart).expectStatus(401);

        assertThat(consents.find(phone)).map(SmsConsents.Consent::status).contains(SmsConsents.Status.OPTED_IN);
    }

    @Test
    void anInvalidNumberIsMarkedUnreachableAndNotRetried() {
        optIn();
        TestSmsProvider.server().stubFor(post(urlEqualTo(TestSmsProvider.MESSAGES_PATH))
                .withFormParam("To", equalTo(phone))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                        {"code": 21211, "message": "The 'To' number %s is not a valid phone number.",
                         "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}""".formatted(phone))));

        long id = queue("offer", EmailCategory.MARKETING, "Hello");
        awaitStatus(id, "FAILED");

        assertThat(row(id, "attempts")).isEqualTo("1");
        assertThat(row(id, "last_error")).contains("21211").contains("The 'To' number (number) is not a valid")
                .doesNotContain(phone);
        assertThat(consents.find(phone)).map(SmsConsents.Consent::status).contains(SmsConsents.Status.UNREACHABLE);
        assertThat(requestsTo(phone)).hasSize(1);
        long next = queue("next", EmailCategory.TRANSACTIONAL, "Your code is 1234");
        awaitStatus(next, "SUPPRESSED");
        assertThat(requestsTo(phone)).as("nothing more tried at the number").hasSize(1);
    }

    @Test
    void aProviderOutageIsRetriedAfterItsRetryAfter() {
        optIn();
        String scenario = "outage-" + run;
        TestSmsProvider.server().stubFor(post(urlEqualTo(TestSmsProvider.MESSAGES_PATH))
                .withFormParam("To", equalTo(phone)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "120"))
                .willSetStateTo("back"));
        TestSmsProvider.server().stubFor(post(urlEqualTo(TestSmsProvider.MESSAGES_PATH))
                .withFormParam("To", equalTo(phone)).inScenario(scenario).whenScenarioStateIs("back")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\": \"SM" + run + "2222\", \"status\": \"queued\"}")));

        Instant queuedAt = clock.instant();
        long id = queue("offer", EmailCategory.MARKETING, "Hello again");
        awaitStatus(id, "PENDING");
        Instant next = jdbc.sql("select next_attempt_at from sf_outbox where id = ?").param(id)
                .query(Timestamp.class).single().toInstant();
        assertThat(next).as("the provider's Retry-After").isBetween(queuedAt.plusSeconds(119), queuedAt.plusSeconds(130));
        assertThat(requestsTo(phone)).hasSize(1);

        ClockUtil.offset(Duration.ofSeconds(131).toMillis());
        awaitStatus(id, "SENT");
        assertThat(row(id, "attempts")).isEqualTo("2");
        assertThat(row(id, "provider_message_id")).isEqualTo("SM" + run + "2222");
        assertThat(requestsTo(phone)).hasSize(2);
    }

    @Test
    void theConsentApiRecordsANumberAndRefusesOneNotInE164NamingTheField() {
        Response refused = client().put("/api/v1/customers/" + customer + "/sms-consent",
                "{\"phone\":\"0151 1234567\",\"status\":\"opted_in\"}").expectStatus(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("errors").get(0).path("field").asText()).isEqualTo("phone");
        Response badStatus = client().put("/api/v1/customers/" + customer + "/sms-consent",
                "{\"phone\":\"" + phone + "\",\"status\":\"maybe\"}").expectStatus(400);
        assertThat(badStatus.json().path("errors").get(0).path("field").asText()).isEqualTo("status");
        client().put("/api/v1/customers/no-such-" + run + "/sms-consent",
                "{\"phone\":\"" + phone + "\",\"status\":\"opted_in\"}").expectStatus(404);

        Response recorded = client().put("/api/v1/customers/" + customer + "/sms-consent",
                "{\"phone\":\"" + phone + "\",\"status\":\"opted_in\"}").expectStatus(200);
        assertThat(recorded.json().path("status").asText()).isEqualTo("opted_in");
        assertThat(client().get("/api/v1/customers/" + customer + "/export").expectStatus(200).json()
                .path("smsConsent").get(0).path("phone").asText()).isEqualTo(phone);
    }

    @Test
    void aMarketingSmsWithoutConsentIsSuppressedAndACustomerWithoutAPhoneIsSkipped() {
        long marketing = queue("offer", EmailCategory.MARKETING, "Hello");
        awaitStatus(marketing, "SUPPRESSED");
        assertThat(row(marketing, "last_error")).contains("no SMS marketing consent");

        String withoutPhone = "sms-nophone-" + run;
        client().putCustomer(withoutPhone, "{\"email\":\"%s@example.com\"}".formatted(withoutPhone)).expectStatus(201);
        outbox.enqueue(new ChannelRequest("sms-test:" + withoutPhone, withoutPhone, Channel.SMS, "sms-test",
                EmailCategory.TRANSACTIONAL, null, null, "sms-test", Map.of("text", "Hi"), null, null));
        long skipped = jdbc.sql("select id from sf_outbox where idempotency_key = ?").param("sms-test:" + withoutPhone)
                .query(Long.class).single();
        awaitStatus(skipped, "SKIPPED");
        assertThat(row(skipped, "last_error")).isEqualTo("the customer has no phone number (trait 'phone')");
    }

    @Test
    void underDoubleOptInAGrantWaitsForTheNumbersYes() {
        SmsConsents doubleOptIn = new SmsConsents(jdbc, clock, new SmsProperties(true, "http://unused", "AC", "token",
                TestSmsProvider.FROM, null, null, true, "help", Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertThat(doubleOptIn.record(customer, phone, SmsConsents.Status.OPTED_IN, "api").status())
                .isEqualTo(SmsConsents.Status.PENDING);
        long waiting = queue("offer", EmailCategory.MARKETING, "Hello");
        awaitStatus(waiting, "SUPPRESSED");
        assertThat(row(waiting, "last_error")).contains("has not confirmed");

        webhook("/webhooks/sms/inbound", ordered("From", phone, "Body", "Yes"), true).expectStatus(200);

        assertThat(consents.find(phone)).map(SmsConsents.Consent::status).contains(SmsConsents.Status.OPTED_IN);
        assertThat(doubleOptIn.record(customer, phone, SmsConsents.Status.OPTED_IN, "api").status())
                .as("a number opted in stays so").isEqualTo(SmsConsents.Status.OPTED_IN);
    }

    @Test
    void anUndeliveredStatusWithAnUnreachableErrorMarksTheNumberUnreachable() {
        optIn();
        String sid = "SM" + run + "3333";
        accept(sid);
        long id = queue("offer", EmailCategory.MARKETING, "Hello");
        awaitStatus(id, "SENT");

        webhook("/webhooks/sms/status", ordered("MessageSid", sid, "MessageStatus", "undelivered", "ErrorCode", "30003",
                "To", phone), true).expectStatus(204);

        assertThat(row(id, "status")).isEqualTo("BOUNCED");
        assertThat(row(id, "last_error")).contains("undelivered (error 30003)");
        assertThat(consents.find(phone)).map(SmsConsents.Consent::status).contains(SmsConsents.Status.UNREACHABLE);
        // A forged status report changes nothing.
        webhook("/webhooks/sms/status", ordered("MessageSid", sid, "MessageStatus", "delivered"), false)
                .expectStatus(401);
        assertThat(row(id, "delivered_at")).isNull();
    }

    @Test
    void erasingTheCustomerForgetsTheirSmsConsent() {
        optIn();
        client().delete("/api/v1/customers/" + customer).expectStatus(204);
        assertThat(consents.find(phone)).isEmpty();
    }

    @Test
    void noAnswerWithinTheReadTimeoutIsAnUnknownOutcomeAndNoConnectionIsRetried() {
        TestSmsProvider.server().stubFor(post(urlEqualTo(TestSmsProvider.MESSAGES_PATH))
                .withFormParam("To", equalTo(phone)).willReturn(aResponse().withStatus(201).withFixedDelay(3_000)));
        ChannelMessage message = new ChannelMessage(1, "msg_test", 1, Channel.SMS, "test",
                customers.find(customer).orElseThrow(), EmailCategory.TRANSACTIONAL, null, null, "test",
                Map.of("text", "Hi"), Map.of());

        assertThat(adapter(TestSmsProvider.baseUrl(), Duration.ofMillis(500)).deliver(message))
                .isInstanceOf(ChannelResult.Unknown.class);
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(adapter("http://127.0.0.1:" + closedPort, Duration.ofSeconds(5)).deliver(message))
                .isInstanceOf(ChannelResult.Retry.class);
    }

    private TwilioSmsAdapter adapter(String baseUrl, Duration readTimeout) {
        return new TwilioSmsAdapter(new SmsProperties(true, baseUrl, TestSmsProvider.ACCOUNT_SID,
                TestSmsProvider.AUTH_TOKEN, TestSmsProvider.FROM, null, null, false, "help", Duration.ofSeconds(2),
                readTimeout), web, consents, templates, json, clock);
    }

    @Test
    void aMarketingSmsWaitsOutTheRecipientsQuietHoursWhileATransactionalOneGoes() {
        int hour = clock.instant().atZone(java.time.ZoneOffset.UTC).getHour();
        int offset = Math.floorMod(-hour, 24); // the customer's local time is past midnight now
        offset = offset > 11 ? offset - 24 : offset;
        String zone = offset == 0 ? "UTC" : "Etc/GMT" + (offset > 0 ? "-" : "+") + Math.abs(offset);
        client().putCustomer(customer, "{\"timeZone\":\"" + zone + "\"}").expectStatus(200);
        optIn();
        accept("SM" + run + "4444");
        quietHours.switchOn();
        try {
            long marketing = queue("offer", EmailCategory.MARKETING, "Night sale!");
            long transactional = queue("code", EmailCategory.TRANSACTIONAL, "Your code is 1234");
            awaitStatus(marketing, "DEFERRED");
            awaitStatus(transactional, "SENT");
            Instant morning = jdbc.sql("select next_attempt_at from sf_outbox where id = ?").param(marketing)
                    .query(Timestamp.class).single().toInstant();
            assertThat(morning.atZone(java.time.ZoneId.of(zone)).toLocalTime()).isEqualTo(java.time.LocalTime.of(8, 0));
            assertThat(requestsTo(phone)).as("only the transactional SMS").hasSize(1);
            // Left unsent: a later test's clock must not reach it.
            jdbc.sql("update sf_outbox set status = 'SKIPPED' where id = ?").param(marketing).update();
        } finally {
            quietHours.switchOff();
        }
    }

    @Test
    void smsHasAFrequencyCapOfItsOwnApartFromEmails() {
        optIn();
        accept("SM" + run + "5555");
        long first = queue("news-1", EmailCategory.MARKETING, "First news");
        awaitStatus(first, "SENT");
        long second = queue("news-2", EmailCategory.MARKETING, "Second news the same day");
        long code = queue("code", EmailCategory.TRANSACTIONAL, "Your code is 5678");

        awaitStatus(second, "DEFERRED");
        awaitStatus(code, "SENT");
        assertThat(row(second, "last_error")).contains("sms frequency cap").contains("1 a day");
        Instant next = jdbc.sql("select next_attempt_at from sf_outbox where id = ?").param(second)
                .query(Timestamp.class).single().toInstant();
        Instant sentAt = jdbc.sql("select sent_at from sf_outbox where id = ?").param(first)
                .query(Timestamp.class).single().toInstant();
        assertThat(next).as("a day after the first went").isEqualTo(sentAt.plus(Duration.ofDays(1)));
        assertThat(requestsTo(phone)).as("the first marketing SMS and the transactional one").hasSize(2);
        // Email has its own cap (1 marketing email a day too): the SMS sent today holds back no marketing email.
        outbox.enqueue(new EmailRequest("sms-cap-email:" + customer, customer, "welcome", EmailCategory.MARKETING,
                null, null, "sms-cap-test", false, SendPriority.BROADCAST));
        awaitMail(customer + "@example.com", 1);
        // Left unsent: a later test's clock must not reach it.
        jdbc.sql("update sf_outbox set status = 'SKIPPED' where id = ?").param(second).update();
    }

    private void optIn() {
        client().put("/api/v1/customers/" + customer + "/sms-consent",
                "{\"phone\":\"" + phone + "\",\"status\":\"opted_in\"}").expectStatus(200);
    }

    private void accept(String sid) {
        TestSmsProvider.server().stubFor(post(urlEqualTo(TestSmsProvider.MESSAGES_PATH))
                .withFormParam("To", equalTo(phone))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\": \"" + sid + "\", \"status\": \"queued\"}")));
    }

    /** Queues an SMS for the customer, as the "Send SMS" step does; its outbox row's id. */
    private long queue(String name, EmailCategory category, String text) {
        String key = "sms-test:" + name + ":" + customer;
        outbox.enqueue(new ChannelRequest(key, customer, Channel.SMS, "sms-test-" + name, category, null, null,
                "sms-test-" + name, Map.of("text", text), null, null));
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
        return TestSmsProvider.server().findAll(postRequestedFor(urlEqualTo(TestSmsProvider.MESSAGES_PATH))
                .withFormParam("To", equalTo(number)));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            fields.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(parts.length > 1 ? parts[1] : "", StandardCharsets.UTF_8));
        }
        return fields;
    }

    private static Map<String, String> ordered(String... namesAndValues) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return params;
    }

    private static Map<String, List<String>> multi(Map<String, String> params) {
        Map<String, List<String>> multi = new LinkedHashMap<>();
        params.forEach((name, value) -> multi.put(name, List.of(value)));
        return multi;
    }

    /** Posts the provider's webhook, signed with the auth token as Twilio signs it, or without a signature. */
    private Response webhook(String path, Map<String, String> params, boolean signed) {
        return postForm(path, params, signed ? TwilioSignature.sign(TestSmsProvider.AUTH_TOKEN, PUBLIC_URL + path,
                multi(params)) : null);
    }

    private Response postForm(String path, Map<String, String> params, String signature) {
        String body = params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(client().uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Twilio-Signature", signature);
        }
        return client().send(request, false);
    }
}
