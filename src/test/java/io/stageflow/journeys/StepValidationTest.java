package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient.Response;

import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A journey with a step that cannot run (a template that cannot be sent, an unknown stage or category) never gets
 * deployed, and the refusal names the step and the input.
 */
class StepValidationTest extends IntegrationTest {


    @Autowired
    RepositoryService repositoryService;

    @Autowired
    JourneyFolderCheck folderCheck;

    @Test
    void aModelerDeploymentNamingAMissingTemplateIsRejectedWithFileElementAndTemplate() {
        Response response = ModelerDeployments.deploy(client(), "winback", "winback-draft.bpmn",
                journeyWithTemplate("winback-draft", "we-miss-you"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("winback-draft.bpmn").contains("SendOffer").contains("we-miss-you")
                .contains("does not exist");
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey("winback-draft").count())
                .isZero();
    }

    @Test
    void aSendStepWithoutATemplateIsRejected() {
        assertThatThrownBy(() -> repositoryService.createDeployment()
                .addModelInstance("no-template.bpmn", Bpmn.createExecutableProcess("no-template")
                        .camundaHistoryTimeToLive(1).startEvent()
                        .serviceTask("SendNothing").camundaDelegateExpression("${sendEmail}")
                        .endEvent().done())
                .deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("SendNothing").hasMessageContaining("names no template");
    }

    @Test
    void aSendStepWithAnExistingTemplateDeploys() {
        repositoryService.createDeployment().enableDuplicateFiltering(true)
                .addString("fine.bpmn", journeyWithTemplate("fine-journey", "welcome-reminder")).deploy();

        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey("fine-journey").count())
                .isPositive();
    }

    @Test
    void aSetStageStepMustNameAConfiguredStage() {
        assertThatThrownBy(() -> repositoryService.createDeployment()
                .addModelInstance("bad-stage.bpmn", Bpmn.createExecutableProcess("bad-stage")
                        .camundaHistoryTimeToLive(1).startEvent()
                        .serviceTask("MarkLoyal").camundaDelegateExpression("${setLifecycleStage}")
                            .camundaInputParameter("stage", "LOYAL")
                        .endEvent().done())
                .deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("MarkLoyal").hasMessageContaining("'LOYAL'").hasMessageContaining("ADVOCACY");
    }

    @Test
    void theStartupCheckFindsAnAlreadyDeployedStepWhoseTemplateIsGone(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("winback.bpmn");
        Files.writeString(file, journeyWithTemplate("winback-gone", "deleted-since"));
        Path fine = folder.resolve("fine.bpmn");
        Files.writeString(fine, journeyWithTemplate("fine-again", "welcome"));

        assertThat(folderCheck.problems(file, "bpmn/winback.bpmn")).singleElement().asString()
                .startsWith("bpmn/winback.bpmn: Send step 'SendOffer' uses template 'deleted-since'")
                .contains("does not exist");
        assertThat(folderCheck.problems(fine, "bpmn/fine.bpmn")).isEmpty();
        assertThat(folderCheck.problems(Path.of("bpmn/welcome.bpmn"), "bpmn/welcome.bpmn")).isEmpty();
    }

    @Test
    void aSendStepNamingAnUnknownCategoryIsRefusedAtDeployNamingTheStepAndTheInput() {
        assertThatThrownBy(() -> repositoryService.createDeployment()
                .addString("promo.bpmn", journeyWithTemplate("promo-category", "welcome", "promotional")).deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("Send step 'SendOffer' has category 'promotional'; use marketing or transactional")
                .satisfies(e -> assertThat(((ParseException) e).getResorceReports()).singleElement()
                        .satisfies(report -> assertThat(report.getErrors()).singleElement()
                                .satisfies(problem -> assertThat(problem.getMainElementId()).isEqualTo("SendOffer"))));
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey("promo-category").count())
                .isZero();
    }

    @Test
    void aModelerDeploymentNamingAnUnknownCategoryIsRejectedWithFileElementAndInput() {
        Response response = ModelerDeployments.deploy(client(), "winback", "promo-draft.bpmn",
                journeyWithTemplate("promo-draft", "welcome", "newsletter"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("promo-draft.bpmn").contains("\"mainElementId\":\"SendOffer\"")
                .contains("has category 'newsletter'; use marketing or transactional");
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey("promo-draft").count())
                .isZero();
    }

    @Test
    void theStartupCheckFindsAnUnknownCategoryInTheJourneysFolder(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("promo.bpmn");
        Files.writeString(file, journeyWithTemplate("promo-folder", "welcome", "Promo"));

        assertThat(folderCheck.problems(file, "bpmn/promo.bpmn")).containsExactly(
                "bpmn/promo.bpmn: Send step 'SendOffer' has category 'Promo'; use marketing or transactional");
    }

    @Test
    void aKnownCategoryInAnyCaseOrOneChosenAtRunTimeDeploys() {
        repositoryService.createDeployment().enableDuplicateFiltering(true)
                .addString("transactional.bpmn", journeyWithTemplate("category-transactional", "welcome", "TRANSACTIONAL"))
                .addString("by-variable.bpmn", journeyWithTemplate("category-by-variable", "welcome", "${category}"))
                .deploy();

        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey("category-transactional").count())
                .isPositive();
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey("category-by-variable").count())
                .isPositive();
    }

    @Test
    void aSendStepsPriorityMustBeOneItKnowsAndReachesTheOutbox() {
        assertThatThrownBy(() -> repositoryService.createDeployment()
                .addModelInstance("bad-priority.bpmn", Bpmn.createExecutableProcess("bad-priority")
                        .camundaHistoryTimeToLive(1).startEvent()
                        .serviceTask("SendUrgent").camundaDelegateExpression("${sendEmail}")
                            .camundaInputParameter("template", "welcome").camundaInputParameter("priority", "urgent")
                        .endEvent().done())
                .deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("Send step 'SendUrgent' has priority 'urgent'; use high or normal or low");

        repositoryService.createDeployment()
                .addModelInstance("high-priority.bpmn", Bpmn.createExecutableProcess("high-priority")
                        .camundaHistoryTimeToLive(1).startEvent()
                        .serviceTask("SendHigh").camundaDelegateExpression("${sendEmail}")
                            .camundaInputParameter("template", "welcome").camundaInputParameter("priority", "high")
                        .serviceTask("SendReceipt").camundaDelegateExpression("${sendEmail}")
                            .camundaInputParameter("template", "welcome").camundaInputParameter("priority", "low")
                            .camundaInputParameter("category", "transactional")
                        .serviceTask("SendPlain").camundaDelegateExpression("${sendEmail}")
                            .camundaInputParameter("template", "welcome")
                        .endEvent().done())
                .deploy();
        String customer = "c-priority-" + UUID.randomUUID().toString().substring(0, 8);
        String instance = runtimeService.startProcessInstanceByKey("high-priority", customer).getId();

        assertThat(jdbc.sql("select step_id, priority from sf_outbox where journey_instance_id = ? order by id")
                .param(instance).query((rs, row) -> rs.getString(1) + "=" + rs.getInt(2)).list())
                .as("high; transactional whatever the step says; normal by default")
                .containsExactly("SendHigh=10", "SendReceipt=0", "SendPlain=20");
    }

    @Test
    void aSendStepWithUnknownQuietHoursOrASetStageStepWithAnUnknownModeIsRefusedNamingStepAndInput() {
        assertThatThrownBy(() -> repositoryService.createDeployment()
                .addModelInstance("bad-quiet-hours.bpmn", Bpmn.createExecutableProcess("bad-quiet-hours")
                        .camundaHistoryTimeToLive(1).startEvent()
                        .serviceTask("SendLate").camundaDelegateExpression("${sendEmail}")
                            .camundaInputParameter("template", "welcome").camundaInputParameter("quietHours", "later")
                        .endEvent().done())
                .deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("Send step 'SendLate' has quietHours 'later'; use respect or ignore");
        assertThatThrownBy(() -> repositoryService.createDeployment()
                .addModelInstance("bad-mode.bpmn", Bpmn.createExecutableProcess("bad-mode")
                        .camundaHistoryTimeToLive(1).startEvent()
                        .serviceTask("MarkEngaged").camundaDelegateExpression("${setLifecycleStage}")
                            .camundaInputParameter("stage", "ENGAGEMENT").camundaInputParameter("mode", "backward")
                        .endEvent().done())
                .deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("Set-stage step 'MarkEngaged' has mode 'backward'; use set or advance");
    }

    private static String journeyWithTemplate(String processId, String template) {
        return journeyWithTemplate(processId, template, null);
    }

    private static String journeyWithTemplate(String processId, String template, String category) {
        String categoryInput = category == null ? ""
                : "<camunda:inputParameter name=\"category\">" + category + "</camunda:inputParameter>";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
                  <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="P1D">
                    <bpmn:startEvent id="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
                    <bpmn:serviceTask id="SendOffer" camunda:asyncBefore="true" camunda:delegateExpression="${sendEmail}">
                      <bpmn:extensionElements><camunda:inputOutput>
                        <camunda:inputParameter name="template">%s</camunda:inputParameter>%s
                      </camunda:inputOutput></bpmn:extensionElements>
                      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
                    </bpmn:serviceTask>
                    <bpmn:endEvent id="End"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
                    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="SendOffer"/>
                    <bpmn:sequenceFlow id="f2" sourceRef="SendOffer" targetRef="End"/>
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(processId, template, categoryInput);
    }
}
