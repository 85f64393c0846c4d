package io.stageflow.journeys;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.stageflow.testing.DemoJourneys;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestSmsProvider;

import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The "Send SMS" step on the application's engine, with the test journey
 * {@code src/test/resources/journeys/sms-demo.bpmn}: it queues one SMS in the outbox under the send step's
 * idempotency key (a second run of the step queues nothing new), which the SMS channel renders for the customer and
 * posts to the provider; a step whose text is missing, uses {@code ${…}} or does not render is refused at deploy,
 * naming the step and the field.
 */
class SendSmsStepTest extends IntegrationTest {

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    JourneyFolderCheck folderCheck;

    @Autowired
    SendSmsStep step;

    private String run;
    private String message;

    @BeforeEach
    void keys() {
        run = UUID.randomUUID().toString().substring(0, 8);
        message = "sms_demo_" + run;
    }

    @Test
    void theStepQueuesOneSmsThatTheChannelRendersAndSends() throws IOException {
        String customer = "sms-step-" + run;
        String phone = "+49160" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
        client().putCustomer(customer, """
                {"email":"%s@example.com","firstName":"Ben","timeZone":"UTC","traits":{"phone":"%s"}}"""
                .formatted(customer, phone)).expectStatus(201);
        TestSmsProvider.server().stubFor(post(urlEqualTo(TestSmsProvider.MESSAGES_PATH))
                .withFormParam("To", equalTo(phone))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\": \"SM" + run + "\", \"status\": \"queued\"}")));
        repositoryService.createDeployment().addString("sms-demo-" + run + ".bpmn", demo()).deploy();

        String instance = runtimeService.startProcessInstanceByMessage(message, customer).getId();

        String key = instance + ":SendSms:0";
        assertThat(jdbc.sql("select channel, category, journey_key, step_id from sf_outbox where idempotency_key = ?")
                .param(key).query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " "
                        + rs.getString(4)).single())
                .isEqualTo("SMS TRANSACTIONAL sms-demo-" + run + " SendSms");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(jdbc.sql(
                "select status from sf_outbox where idempotency_key = ?").param(key).query(String.class).single())
                .isEqualTo("SENT"));
        assertThat(TestSmsProvider.server().findAll(postRequestedFor(urlEqualTo(TestSmsProvider.MESSAGES_PATH))
                .withFormParam("To", equalTo(phone)).withRequestBody(containing("Body=Hi+Ben%2C+your+order+has+shipped."))))
                .hasSize(1);
    }

    @Test
    void tryingTheJourneySaysTheStepWouldQueueAnSmsAndSendsNone() throws IOException {
        String customer = "sms-try-" + run;
        client().putCustomer(customer, """
                {"email":"%s@example.com","firstName":"Cy","traits":{"phone":"+4917012345678"}}"""
                .formatted(customer)).expectStatus(201);
        repositoryService.createDeployment().addString("sms-demo-" + run + ".bpmn", demo()).deploy();

        com.fasterxml.jackson.databind.JsonNode tried = client().post("/api/v1/journeys/sms-demo-" + run + "/try",
                "{\"customerId\": \"" + customer + "\", \"days\": 1}").expectStatus(200).json();

        assertThat(tried.path("trace").path("entries").toString()).as(tried.toString())
                .contains("Would queue a transactional SMS");
        assertThat(jdbc.sql("select count(*) from sf_outbox where customer_id = ?").param(customer)
                .query(Long.class).single()).isZero();
    }

    @Test
    void theDemoJourneyPassesTheStartUpCheck() {
        assertThat(folderCheck.problems(Path.of("src/test/resources/journeys/sms-demo.bpmn"), "sms-demo.bpmn"))
                .isEmpty();
    }

    @Test
    void aTextThatIsMissingUsesEngineExpressionsOrDoesNotRenderIsRefusedAtDeploy() {
        assertThat(step.problemWith("Ship", inputs(null, "transactional")))
                .isEqualTo("SMS step 'Ship' has no text: set its 'text' input parameter (Text in Modeler)");
        assertThat(step.problemWith("Ship", inputs("Hi ${customer.firstName}", "marketing")))
                .startsWith("SMS step 'Ship' has a text ('text') with ${…}");
        assertThat(step.problemWith("Ship", inputs("Hi #if($customer.firstName", "marketing")))
                .startsWith("SMS step 'Ship' has a text ('text') that cannot be sent: ");
        assertThat(step.problemWith("Ship", inputs("Hi", "promo"))).startsWith("SMS step 'Ship' has category 'promo'");
        assertThat(step.problemWith("Ship", inputs("Hi $customer.firstName", "marketing")))
                .as("a reference without a fallback, and how to give one without braces")
                .contains("$customer.firstName has no value").endsWith("(in an SMS text, without braces:"
                        + " $!customer.firstName, or #if($customer.firstName)$customer.firstName#else there#end)");
        assertThat(step.problemWith("Ship", inputs("Hi $!customer.firstName, 10% off", "marketing"))).isNull();
        assertThat("Hi $!customer.firstName,\n#if($x)a#else b#end 5€").matches(SendSmsStep.TEXT.pattern());
        assertThat("Hi ${customer.firstName}").as("Modeler's pattern").doesNotMatch(SendSmsStep.TEXT.pattern());
        assertThat("Hi #{x}").doesNotMatch(SendSmsStep.TEXT.pattern());
    }

    private static java.util.function.UnaryOperator<String> inputs(String text, String category) {
        Map<String, String> inputs = new HashMap<>();
        inputs.put("text", text);
        inputs.put("category", category);
        return inputs::get;
    }

    /** The test journey with this run's keys, its step run at once (not in the background). */
    private String demo() throws IOException {
        return DemoJourneys.copyAs("sms-demo", "sms-demo-" + run)
                .replace("name=\"sms_demo\"", "name=\"" + message + "\"")
                .replace("camunda:asyncBefore=\"true\"", "camunda:asyncBefore=\"false\"");
    }
}
