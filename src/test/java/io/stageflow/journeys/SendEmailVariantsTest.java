package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.stageflow.experiments.ExperimentAssignments;
import io.stageflow.experiments.ExperimentAssignments.Split;
import io.stageflow.experiments.ExperimentAssignments.Status;
import io.stageflow.experiments.ExperimentAssignments.Variant;
import io.stageflow.security.Roles;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.builder.ServiceTaskBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Template variants in a send step, on the application's engine, with the test journey
 * {@code src/test/resources/journeys/send-variants-demo.bpmn}: one Send email step with three templates (welcome,
 * welcome-reminder, onboarding-tips, 34/33/33). Each customer's email is the template their bucket gives them, the
 * entry is recorded and the template set on the instance, a customer who comes back gets the same template, and once
 * the experiment is decided new entrants get the winner's; a step whose variants cannot run is refused at deploy,
 * naming the step and the field.
 */
class SendEmailVariantsTest extends IntegrationTest {

    private static final String PASSWORD = "Variant-templates-42";
    private static final List<String> TEMPLATES = List.of("welcome", "welcome-reminder", "onboarding-tips");

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    HistoryService historyService;

    @Autowired
    ExperimentAssignments assignments;

    @Autowired
    JourneyFolderCheck folderCheck;

    private String run;
    private String experiment;
    private String message;

    @BeforeEach
    void keys() {
        run = UUID.randomUUID().toString().substring(0, 8);
        experiment = "send-variants-" + run;
        message = "send_variants_demo_" + run;
    }

    @Test
    void aSimulationSendsEachCustomerTheTemplateTheirBucketGivesAndRecordsNothing() {
        DelegateExecution withVariants = mock(DelegateExecution.class);
        when(withVariants.getVariableLocal(SendEmailStep.EXPERIMENT.name())).thenReturn(experiment);
        when(withVariants.getVariableLocal(SendEmailStep.TEMPLATE_VARIANTS.name()))
                .thenReturn("welcome-reminder, onboarding-tips");
        DelegateExecution plain = mock(DelegateExecution.class);
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            String customer = "simulated-" + run + "-" + i;
            String template = SendEmailStep.simulatedTemplate(withVariants, "welcome", customer);
            assertThat(template).isEqualTo(ExperimentAssignments.assign(split(experiment), customer).variant());
            assertThat(SendEmailStep.simulatedTemplate(plain, "welcome", customer)).isEqualTo("welcome");
            sent.add(template);
        }
        assertThat(sent).as("60 customers over three equal shares").containsExactlyInAnyOrderElementsOf(TEMPLATES);
        assertThat(assignments.experiment(experiment)).as("a simulation records nothing").isEmpty();
    }

    @Test
    void theWeightsAreEqualAndSumToOneHundredTheFirstTemplatesTakingTheRemainder() {
        assertThat(SendEmailStep.equalWeights(2)).containsExactly(50, 50);
        assertThat(SendEmailStep.equalWeights(3)).containsExactly(34, 33, 33);
        assertThat(SendEmailStep.equalWeights(4)).containsExactly(25, 25, 25, 25);
        assertThat(SendEmailStep.splitOf("x", TEMPLATES)).isEqualTo(split("x"));
    }

    @Test
    void eachCustomerGetsTheTemplateOfTheirBucketRecordedOnTheInstanceAndTheSameOneOnReentry() throws IOException {
        deployDemo();
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            customers.add("v-" + i + "-" + run);
        }
        Map<String, List<String>> sent = new HashMap<>();
        for (int round = 0; round < 2; round++) {
            for (String customer : customers) {
                String instance = enter(customer);
                sent.computeIfAbsent(customer, c -> new ArrayList<>()).add(templateQueuedBy(instance));
                assertThat(historyService.createHistoricVariableInstanceQuery().processInstanceId(instance)
                        .variableName("experiment_" + experiment.replace('-', '_')).singleResult().getValue())
                        .as(customer + ": the template on the instance").isEqualTo(sent.get(customer).get(round));
            }
        }

        sent.forEach((customer, templates) -> {
            String expected = ExperimentAssignments.assign(split(experiment), customer).variant();
            assertThat(templates).as(customer + ": first entry, re-entry").containsExactly(expected, expected);
        });
        Set<String> used = new HashSet<>();
        sent.values().forEach(templates -> used.add(templates.get(0)));
        assertThat(used).as("24 customers spread over the three templates").hasSizeGreaterThan(1)
                .isSubsetOf(TEMPLATES);
        assertThat(jdbc.sql("select count(distinct journey_instance_id) from sf_experiment_entry"
                + " where experiment_key = ? and journey_key = ?").params(experiment, "send-variants-demo-" + run)
                .query(Long.class).single()).as("every instance's entry").isEqualTo(48);
        assertThat(jdbc.sql("select count(*) from (select customer_id from sf_experiment_entry where experiment_key = ?"
                + " group by customer_id having count(distinct variant) > 1) t").param(experiment)
                .query(Long.class).single()).as("customers recorded on two variants").isZero();
        assertThat(assignments.experiment(experiment).orElseThrow().variants())
                .as("the variants, named after the templates, the main one first").isEqualTo(TEMPLATES);
    }

    @Test
    void onceDecidedNewEntrantsGetTheWinnersTemplate() throws IOException {
        deployDemo();
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String customer = "w-" + i + "-" + run;
            before.add(templateQueuedBy(enter(customer)));
        }
        assertThat(new HashSet<>(before)).hasSizeGreaterThan(1);

        assignments.decide(experiment, Status.DECIDED, "onboarding-tips", null);

        for (int i = 0; i < 12; i++) {
            String customer = "n-" + i + "-" + run;
            assertThat(templateQueuedBy(enter(customer))).as(customer + ", after the decision")
                    .isEqualTo("onboarding-tips");
        }
    }

    @Test
    void theDemoJourneyPassesTheStartUpCheck() {
        assertThat(folderCheck.problems(Path.of("src/test/resources/journeys/send-variants-demo.bpmn"),
                "send-variants-demo.bpmn")).isEmpty();
    }

    @Test
    void onlyOneOfTheTwoInputsIsRefused() {
        assertRefused(send("welcome", experiment, null),
                "Send step 'SendTest' has an Experiment key ('experiment') but no Variant templates"
                        + " ('templateVariants'); set both, or neither for a step without variants");
        assertRefused(send("welcome", null, "welcome-reminder"),
                "Send step 'SendTest' has Variant templates ('templateVariants') but no Experiment key"
                        + " ('experiment'); set both, or neither for a step without variants");
    }

    @Test
    void anInvalidExperimentKeyIsRefused() {
        assertRefused(send("welcome", "Welcome Subject", "welcome-reminder"),
                "Send step 'SendTest' has experiment key 'Welcome Subject'; use up to 60 lower-case letters, digits"
                        + " and hyphens, such as welcome-subject (Experiment key)");
    }

    @Test
    void moreThanThreeVariantTemplatesAreRefused() {
        assertRefused(send("welcome", experiment, "welcome-reminder,onboarding-tips,win-back-offer,cart-offer"),
                "Send step 'SendTest' has 4 Variant templates ('templateVariants'); use 1 to 3, separated by commas"
                        + " (with Template key, at most 4 in all)");
    }

    @Test
    void aDuplicateOrTheMainTemplateAmongTheVariantsIsRefused() {
        assertRefused(send("welcome", experiment, "welcome-reminder, welcome-reminder"),
                "Send step 'SendTest' names template 'welcome-reminder' twice in Variant templates; list each template"
                        + " once");
        assertRefused(send("welcome", experiment, "welcome-reminder,welcome"),
                "Send step 'SendTest' names its template 'welcome' in Variant templates as well; list only the other"
                        + " templates there (Template key is the first variant)");
    }

    @Test
    void aVariantTemplateThatDoesNotExistOrIsNoKeyIsRefused() {
        assertRefused(send("welcome", experiment, "welcome-reminder,no-such-template"),
                "Send step 'SendTest' uses template 'no-such-template' (Variant templates), which cannot be sent:");
        assertRefused(send("welcome", experiment, "welcome-reminder,,onboarding-tips"),
                "Send step 'SendTest' has Variant templates 'welcome-reminder,,onboarding-tips'; use template keys");
        assertRefused(send("welcome", experiment, "${variants}"),
                "Send step 'SendTest' has Variant templates '${variants}'; use template keys");
    }

    @Test
    void aTemplateChosenAtRunTimeCannotHaveVariants() {
        assertRefused(send("${upsellTemplate}", experiment, "welcome-reminder"),
                "Send step 'SendTest' picks its template at run time ('${upsellTemplate}') and has Variant templates;"
                        + " an experiment needs a fixed template key in Template key");
    }

    @Test
    void aMarketersUploadIsRefusedAsProblemJson(@TempDir Path folder) throws IOException {
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        StageflowClient asMarketer = client(marketer, PASSWORD);
        String key = "send-variants-refused-" + run;
        Path file = Files.createDirectories(folder.resolve("upload")).resolve(key + ".bpmn");
        Files.writeString(file, demo().replace("welcome-reminder,onboarding-tips", "welcome-reminder,welcome")
                .replace("\"send-variants-demo-" + run + "\"", "\"" + key + "\""));

        StageflowClient.Response uploaded = asMarketer.postFile("/api/v1/journeys", "file", file);

        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(400);
        assertThat(uploaded.contentType()).startsWith("application/problem+json");
        assertThat(uploaded.json().path("errors").get(0).path("message").asText())
                .contains("Send step 'SendFirst' names its template 'welcome' in Variant templates as well");
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey(key).count()).isZero();
    }

    private static Split split(String experiment) {
        return new Split(experiment, List.of(new Variant("welcome", 34), new Variant("welcome-reminder", 33),
                new Variant("onboarding-tips", 33)), null, 0);
    }

    /** The test journey with this run's keys, its send step run at once (not in the background). */
    private String demo() throws IOException {
        try (InputStream file = getClass().getResourceAsStream("/journeys/send-variants-demo.bpmn")) {
            return new String(file.readAllBytes(), StandardCharsets.UTF_8)
                    .replace(">send-variants-demo-first-email<", ">" + experiment + "<")
                    .replace("name=\"send_variants_demo\"", "name=\"" + message + "\"")
                    .replace("id=\"send-variants-demo\"", "id=\"send-variants-demo-" + run + "\"")
                    .replace("bpmnElement=\"send-variants-demo\"", "bpmnElement=\"send-variants-demo-" + run + "\"")
                    .replace("camunda:asyncBefore=\"true\"", "camunda:asyncBefore=\"false\"");
        }
    }

    private void deployDemo() throws IOException {
        repositoryService.createDeployment().addString("send-variants-demo-" + run + ".bpmn", demo()).deploy();
    }

    private String enter(String customer) {
        return runtimeService.startProcessInstanceByMessage(message, customer).getId();
    }

    private String templateQueuedBy(String instance) {
        return jdbc.sql("select template_key from sf_outbox where journey_instance_id = ?").param(instance)
                .query(String.class).single();
    }

    private static BpmnModelInstance send(String template, String experiment, String variants) {
        ServiceTaskBuilder step = Bpmn.createExecutableProcess("send-variants-bad").camundaHistoryTimeToLive(1)
                .startEvent().serviceTask("SendTest").camundaDelegateExpression("${sendEmail}")
                .camundaInputParameter("template", template);
        if (experiment != null) {
            step = step.camundaInputParameter("experiment", experiment);
        }
        if (variants != null) {
            step = step.camundaInputParameter("templateVariants", variants);
        }
        return step.endEvent().done();
    }

    private void assertRefused(BpmnModelInstance journey, String message) {
        assertThatThrownBy(() -> repositoryService.createDeployment().addModelInstance("send-variants-bad.bpmn",
                journey).deploy()).isInstanceOf(ParseException.class).hasMessageContaining(message);
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey("send-variants-bad").count())
                .isZero();
    }
}
