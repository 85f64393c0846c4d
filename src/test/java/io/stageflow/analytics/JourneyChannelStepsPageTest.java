package io.stageflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.UUID;

import io.stageflow.security.Roles;
import io.stageflow.testing.ConsoleSession;
import io.stageflow.testing.DemoJourneys;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The journey page lists the journey's webhook, SMS and WhatsApp steps with their settings, and shows a marketer what
 * a step would send a customer now (the webhook's body for that customer), or what keeps it from being made, naming
 * the field; nothing is queued. An operator sees the steps but no preview. The page in a browser is
 * ConsoleBrowserTest's.
 */
class JourneyChannelStepsPageTest extends IntegrationTest {

    private static final String PASSWORD = "Channel-steps-42";

    @Autowired
    RepositoryService repositoryService;

    private String run;
    private String journey;

    @BeforeEach
    void aJourneyWithTwoWebhookSteps() throws IOException {
        run = UUID.randomUUID().toString().substring(0, 8);
        journey = "webhook-page-" + run;
        String bpmn = DemoJourneys.copyAs("webhook-demo", journey)
                .replace("name=\"webhook_demo\"", "name=\"webhook_page_" + run + "\"");
        repositoryService.createDeployment().addString(journey + ".bpmn", bpmn).deploy();
    }

    @Test
    void aMarketerSeesWhatAWebhookStepWouldSendACustomerAndNothingIsQueued() {
        String customer = "page-hook-" + run;
        client().putCustomer(customer, "{\"email\":\"%s@example.com\",\"firstName\":\"Ada\"}".formatted(customer))
                .expectStatus(201);
        ConsoleSession console = ConsoleSession.signIn(baseUrl(), newUser(Roles.MARKETER, PASSWORD), PASSWORD);

        String page = console.get("/journeys/" + journey);
        assertThat(page).contains("Webhook, SMS and WhatsApp steps").contains("Grant 100 points")
                .contains("Open a ticket").contains("loyalty").contains("previewCustomer");

        String preview = console.get("/journeys/" + journey + "?previewStep=GrantPoints&previewCustomer=" + customer);
        assertThat(preview).contains("may be sent now")
                .contains("&quot;email&quot; : &quot;" + customer + "@example.com&quot;")
                .contains("&quot;name&quot; : &quot;Ada&quot;");
        assertThat(jdbc.sql("select count(*) from sf_outbox where customer_id = ?").param(customer)
                .query(Long.class).single()).as("a preview queues nothing").isZero();

        String unknown = console.get("/journeys/" + journey + "?previewStep=GrantPoints&previewCustomer=nobody-" + run);
        assertThat(unknown).contains("customerId").contains("is not a customer");
    }

    @Test
    void anOperatorSeesTheStepsButNoPreview() {
        String customer = "page-op-" + run;
        client().putCustomer(customer, "{\"email\":\"%s@example.com\"}".formatted(customer)).expectStatus(201);
        ConsoleSession console = ConsoleSession.signIn(baseUrl(), newUser(Roles.OPERATOR, PASSWORD), PASSWORD);

        String page = console.get("/journeys/" + journey + "?previewStep=GrantPoints&previewCustomer=" + customer);

        assertThat(page).contains("Grant 100 points").doesNotContain("previewCustomer")
                .doesNotContain(customer + "@example.com");
    }
}
