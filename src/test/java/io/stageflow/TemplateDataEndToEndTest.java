package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;
import io.stageflow.testing.TestTemplates;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a journey's email knows beyond the customer (docs/templates.md): {@code $event}, the event that led the
 * journey to the send step, with the products it carried, and {@code $journey.<name>}, the variables the journey's
 * {@code templateVariables} property shows its templates, as the step saw them. Over real SMTP: the upsell email names
 * the order's products, and the order's line categories chose which upsell email it is.
 */
class TemplateDataEndToEndTest extends IntegrationTest {

    @Autowired
    RepositoryService repositoryService;

    @Test
    void theUpsellEmailShowsTheOrderThatStartedItChosenByItsLinesCategories() throws Exception {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";
        client().putCustomer(id, "{\"email\":\"" + email + "\",\"firstName\":\"Ada\"}").expectStatus(201);
        String boots = "boots-" + id;
        String socks = "socks-" + id;
        client().put("/api/v1/products/" + boots, product("Hiking <Boots>", "120", boots)).expectStatus(201);
        client().put("/api/v1/products/" + socks, product("Wool socks", "9.5", socks)).expectStatus(201);

        // No order-level category: the lines' categories decide, the one the order spent most on first.
        client().postEvents(("{\"messageId\":\"order-%1$s\",\"type\":\"order_completed\",\"customerId\":\"%1$s\","
                + "\"properties\":{\"orderId\":\"A-77\",\"total\":139,\"currency\":\"EUR\",\"products\":["
                + "{\"product_id\":\"%3$s\",\"category\":\"socks\",\"price\":9.5,\"quantity\":2},"
                + "{\"product_id\":\"%2$s\",\"category\":\"shoes\",\"price\":120,\"quantity\":1}]}}")
                .formatted(id, boots, socks)).expectStatus(202);
        awaitSettled(id);
        String upsell = runtimeService.createProcessInstanceQuery().processDefinitionKey("upsell")
                .processInstanceBusinessKey(id).singleResult().getId();
        assertThat(runtimeService.getVariables(upsell)).containsEntry("category", "shoes")
                .containsEntry("categories", "socks,shoes");
        // Only the upsell concerns this test: onboarding's emails would take its day under the frequency cap.
        runtimeService.createProcessInstanceQuery().processDefinitionKey("onboarding").processInstanceBusinessKey(id)
                .list().forEach(instance -> runtimeService.deleteProcessInstance(instance.getId(), "not under test"));

        advanceClock(Duration.ofDays(14).plusMinutes(1));
        MimeMessage upsellEmail = awaitSubject(email, "Complete the look");

        MimeParts parts = MimeParts.of(upsellEmail);
        assertThat(parts.html()).contains("Your order:", "Hiking &lt;Boots&gt;", "1 &times; €120.00",
                "2 &times; €9.50", "src=\"https://cdn.shop.example/" + boots + ".jpg\"");
        assertThat(parts.text()).contains("- 1 x Hiking <Boots>, €120.00", "- 2 x Wool socks, €9.50");
        assertThat(jdbc.sql("select event_message_id from sf_outbox where customer_id = ? and template_key = ?")
                .params(id, "upsell-complete-the-look").query(String.class).single()).isEqualTo("order-" + id);
    }

    @Test
    void aJourneyShowsItsTemplatesOnlyTheVariablesItNamesAsTheStepSawThem() throws Exception {
        // Deploy-time validation renders the template with no journey variables and no event: it must allow for both.
        String template = "plan-upgrade-" + UUID.randomUUID().toString().substring(0, 8);
        TestTemplates.writeAndAwait(jdbc, template, Map.of(
                "subject.vm", "Your ${journey.plan|'new'} plan",
                "html.vm", "<p>Plan ${journey.plan|'?'} for ${journey.seats|'?'} seats in $journey.key. Secret:"
                        + " #if($journey.secret)$journey.secret#{else}hidden#end.#if($event) Sent by $event.type at"
                        + " ${event.properties.source|'?'}.#end</p>",
                "text.vm", "Plan ${journey.plan|'?'}."));
        BpmnModelInstance model = Bpmn.createExecutableProcess("plan-upgrade-probe").camundaHistoryTimeToLive(1)
                .startEvent().message("plan_upgraded")
                .serviceTask("SendPlanEmail").camundaDelegateExpression("${sendEmail}").camundaAsyncBefore()
                .camundaInputParameter("template", template)
                .camundaInputParameter("category", "transactional")
                .endEvent()
                .done();
        property(model, "templateVariables", "plan, seats");
        repositoryService.createDeployment().name("template-variables-test").enableDuplicateFiltering(true)
                .addModelInstance("plan-upgrade-probe.bpmn", model).deploy();

        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";
        client().putCustomer(id, "{\"email\":\"" + email + "\"}").expectStatus(201);
        client().postEvents(("{\"messageId\":\"upgrade-%1$s\",\"type\":\"plan_upgraded\",\"customerId\":\"%1$s\","
                + "\"properties\":{\"plan\":\"<Pro>\",\"seats\":12,\"secret\":\"s3cr3t\",\"source\":\"billing\"}}")
                .formatted(id)).expectStatus(202);

        MimeMessage sent = awaitSubject(email, "Your <Pro> plan");
        assertThat(MimeParts.of(sent).html())
                .contains("Plan &lt;Pro&gt; for 12 seats in plan-upgrade-probe.")
                .as("a variable the journey does not name stays out of the template")
                .contains("Secret: hidden.")
                .contains("Sent by plan_upgraded at billing.");
        assertThat(jdbc.sql("select journey_variables from sf_outbox where customer_id = ?").param(id)
                .query(String.class).single()).contains("\"plan\":\"<Pro>\"", "\"seats\":12")
                .doesNotContain("secret");

        // Erasure takes the variables and the event's id off the email's row with the rest of who it was for.
        client().delete("/api/v1/customers/" + id).expectStatus(204);
        assertThat(jdbc.sql("select count(*) from sf_outbox where template_key = ? and (journey_variables is not null"
                + " or event_message_id is not null)").param(template).query(Long.class).single()).isZero();
    }

    private static void property(BpmnModelInstance model, String name, String value) {
        Process process = model.getModelElementsByType(Process.class).iterator().next();
        CamundaProperty property = model.newInstance(CamundaProperty.class);
        property.setCamundaName(name);
        property.setCamundaValue(value);
        CamundaProperties properties = model.newInstance(CamundaProperties.class);
        properties.getCamundaProperties().add(property);
        process.builder().addExtensionElement(properties);
    }

    private MimeMessage awaitSubject(String email, String subject) throws MessagingException {
        try {
            await().atMost(PATIENCE).until(() -> withSubject(mailTo(email), subject) != null);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no '" + subject + "' to " + email + "; its outbox: " + jdbc.sql(
                    "select template_key, status, last_error from sf_outbox o join sf_customer c on c.id = o.customer_id"
                            + " where c.email = ?").param(email).query().listOfRows(), e);
        }
        return withSubject(mailTo(email), subject);
    }

    private static MimeMessage withSubject(List<MimeMessage> messages, String subject) throws MessagingException {
        for (MimeMessage message : messages) {
            if (subject.equals(message.getSubject())) {
                return message;
            }
        }
        return null;
    }

    private static String product(String name, String price, String id) {
        return """
                {"name": "%s", "price": %s, "currency": "EUR", "url": "https://shop.example/%s",
                 "imageUrl": "https://cdn.shop.example/%s.jpg", "inStock": true}""".formatted(name, price, id, id);
    }
}
