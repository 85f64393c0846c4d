package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.DemoJourneys;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The "Send WhatsApp" step's deploy check, through the WhatsApp channel: a step naming a template that is not among
 * the approved ones, a language the template lacks, the wrong number of parameters, a parameter that does not render
 * or one with {@code ${…}} is refused, naming the step and the field; the test journey passes.
 */
class SendWhatsAppStepTest extends IntegrationTest {

    @Autowired
    SendWhatsAppStep step;

    @Autowired
    JourneyFolderCheck folderCheck;

    @Autowired
    RepositoryService repositoryService;

    @Test
    void aStepWithAnUnknownTemplateAWrongLanguageOrAWrongParameterCountIsRefusedNamingTheField() {
        assertThat(step.problemWith("Ship", inputs("no_such_template", "en_US", "$!customer.firstName")))
                .startsWith("WhatsApp step 'Ship' names a template ('template') 'no_such_template' that is not among"
                        + " the approved ones (stageflow.whatsapp.templates): ")
                .contains("order_shipped");
        assertThat(step.problemWith("Ship", inputs("order_shipped", "fr", "a\nb")))
                .startsWith("WhatsApp step 'Ship' has a language ('language') 'fr' the template 'order_shipped' was"
                        + " not approved in: en_US, de");
        assertThat(step.problemWith("Ship", inputs("order_shipped", "en_US", "$!customer.firstName")))
                .isEqualTo("WhatsApp step 'Ship' has 1 parameter ('parameters') where the template 'order_shipped'"
                        + " takes 2 (one a line)");
        assertThat(step.problemWith("Ship", inputs("order_shipped", "en_US", "#if($x\n12345")))
                .startsWith("WhatsApp step 'Ship' has a parameter 1 ('parameters') that cannot be sent: ");
        assertThat(step.problemWith("Ship", inputs("order_shipped", "en_US", "${customer.firstName}\n1")))
                .startsWith("WhatsApp step 'Ship' has ${…} or #{…} in its 'parameters'");
        assertThat(step.problemWith("Ship", inputs(null, "en_US", null)))
                .startsWith("WhatsApp step 'Ship' has no template");
        assertThat(step.problemWith("Ship", inputs("order_shipped", "de", "$!customer.firstName\n\n12345\n")))
                .as("blank lines are no parameters").isNull();
        assertThat(step.problemWith("Ship", inputs("hello_world", "en_US", null))).isNull();
    }

    @Test
    void tryingTheJourneySaysTheStepWouldQueueAWhatsAppMessageAndSendsNone() throws IOException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String customer = "wa-try-" + run;
        client().putCustomer(customer, """
                {"email":"%s@example.com","firstName":"Cy","traits":{"phone":"+4917012345678"}}"""
                .formatted(customer)).expectStatus(201);
        String demo = DemoJourneys.copyAs("whatsapp-demo", "whatsapp-demo-" + run)
                .replace("name=\"whatsapp_demo\"", "name=\"whatsapp_demo_" + run + "\"");
        repositoryService.createDeployment().addString("whatsapp-demo-" + run + ".bpmn", demo).deploy();

        JsonNode tried = client().post("/api/v1/journeys/whatsapp-demo-" + run + "/try",
                "{\"customerId\": \"" + customer + "\", \"days\": 1}").expectStatus(200).json();

        assertThat(tried.path("trace").path("entries").toString()).as(tried.toString())
                .contains("Would queue a transactional WhatsApp message, template order_shipped");
        assertThat(jdbc.sql("select count(*) from sf_outbox where customer_id = ?").param(customer)
                .query(Long.class).single()).isZero();
    }

    @Test
    void theDemoJourneyPassesTheStartUpCheck() {
        assertThat(folderCheck.problems(Path.of("src/test/resources/journeys/whatsapp-demo.bpmn"),
                "whatsapp-demo.bpmn")).isEmpty();
    }

    private static UnaryOperator<String> inputs(String template, String language, String parameters) {
        Map<String, String> inputs = new HashMap<>();
        inputs.put("template", template);
        inputs.put("language", language);
        inputs.put("parameters", parameters);
        inputs.put("category", "marketing");
        return inputs::get;
    }
}
