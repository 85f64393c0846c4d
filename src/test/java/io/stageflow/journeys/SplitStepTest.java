package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stageflow.experiments.ExperimentAssignments;
import io.stageflow.security.Roles;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The Split step on the application's engine: the same customer takes the same path on every re-entry and after a
 * new version of the journey, with the path on the instance and in {@code sf_experiment_entry}; a split that cannot
 * run is refused at deploy (and by the start-up check), naming the split and the field; and a marketer may deploy a
 * split as its templates draw it, but no other listener.
 */
class SplitStepTest extends IntegrationTest {

    private static final String PASSWORD = "Splitting-journeys-42";

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    HistoryService historyService;

    @Autowired
    JourneyFolderCheck folderCheck;

    private String key;
    private String experiment;

    /** One arrow of a split: its letter ({@code a} to {@code e}, or {@code holdout}), name, and weight or share. */
    record Path_(String letter, String name, String amount) {
    }

    private static final List<Path_> FIFTY_THIRTY_TWENTY_HOLDOUT_TEN = List.of(new Path_("a", "Control", "50"),
            new Path_("b", "Short", "30"), new Path_("c", "Emoji", "20"), new Path_("holdout", "Holdout", "10"));

    @BeforeEach
    void keys() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        key = "split-" + run;
        experiment = "subject-" + run;
    }

    @Test
    void theSameCustomerTakesTheSamePathOnReentryAndAfterANewVersionAndItIsRecorded() {
        deploy(journey(key, experiment, FIFTY_THIRTY_TWENTY_HOLDOUT_TEN, "Subject line test"));
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            customers.add("c-" + i + "-" + key);
        }
        Map<String, List<String>> paths = new HashMap<>();
        customers.forEach(customer -> paths.computeIfAbsent(customer, c -> new ArrayList<>()).add(enter(customer)));
        customers.forEach(customer -> paths.get(customer).add(enter(customer)));

        deploy(journey(key, experiment, FIFTY_THIRTY_TWENTY_HOLDOUT_TEN, "Subject line test, version 2"));
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion()
                .singleResult().getVersion()).isEqualTo(2);
        customers.forEach(customer -> paths.get(customer).add(enter(customer)));

        paths.forEach((customer, taken) -> {
            String expected = ExperimentAssignments.assign(new ExperimentAssignments.Split(experiment, List.of(
                    new ExperimentAssignments.Variant("Control", 50), new ExperimentAssignments.Variant("Short", 30),
                    new ExperimentAssignments.Variant("Emoji", 20)), "Holdout", 10), customer).variant();
            assertThat(taken).as(customer + ": version 1, re-entry, version 2").containsExactly(expected, expected,
                    expected);
        });
        assertThat(paths.values().stream().map(taken -> taken.get(0)).distinct().count())
                .as("24 customers spread over the paths").isGreaterThan(2);
        assertThat(jdbc.sql("select count(distinct journey_instance_id) from sf_experiment_entry"
                + " where experiment_key = ? and journey_key = ?").params(experiment, key).query(Long.class).single())
                .isEqualTo(72);
        assertThat(jdbc.sql("select count(*) from (select customer_id from sf_experiment_entry where experiment_key = ?"
                + " group by customer_id having count(distinct variant) > 1) t").param(experiment)
                .query(Long.class).single()).as("customers recorded on two paths").isZero();
    }

    @Test
    void theInstanceKnowsItsPathItsNameAndWhetherItIsTheHoldout() {
        deploy(journey(key, experiment, FIFTY_THIRTY_TWENTY_HOLDOUT_TEN, "Subject line test"));
        String customer = "c-vars-" + key;
        String instance = runtimeService.startProcessInstanceByKey(key, customer).getId();

        ExperimentAssignments.Assignment expected = ExperimentAssignments.assign(new ExperimentAssignments.Split(
                experiment, List.of(new ExperimentAssignments.Variant("Control", 50),
                        new ExperimentAssignments.Variant("Short", 30), new ExperimentAssignments.Variant("Emoji", 20)),
                "Holdout", 10), customer);
        Map<String, Object> variables = new HashMap<>();
        for (HistoricVariableInstance variable : historyService.createHistoricVariableInstanceQuery()
                .processInstanceId(instance).list()) {
            variables.put(variable.getName(), variable.getValue());
        }
        assertThat(variables).containsEntry("experimentVariant", expected.variant())
                .containsEntry("experimentHoldout", expected.holdout())
                .containsEntry("experiment_" + experiment.replace('-', '_'), expected.variant())
                .containsEntry("experimentPath", Map.of("Control", "a", "Short", "b", "Emoji", "c", "Holdout",
                        "holdout").get(expected.variant()));
        assertThat(historyService.createHistoricActivityInstanceQuery().processInstanceId(instance)
                .activityId("End_" + expected.variant()).count()).isEqualTo(1);
    }

    @Test
    void weightsThatDoNotSumToOneHundredAreRefusedNamingTheSplitAndThePaths() {
        assertRefused(journey(key, experiment, List.of(new Path_("a", "Control", "50"), new Path_("b", "Short", "40")),
                "Test"), "Split 'Test': the weights of its paths sum to 90 (Control 50, Short 40); make them sum to"
                + " 100 (a holdout's share is apart)");
        assertRefused(journey(key, experiment, List.of(new Path_("a", "Control", "50"), new Path_("b", "Short", "x")),
                "Test"), "Split 'Test': the path 'Short' has weight 'x'; set its Weight to a whole number from 1 to 100");
    }

    @Test
    void anUnnamedPathIsRefused() {
        assertRefused(journey(key, experiment, List.of(new Path_("a", "Control", "50"), new Path_("b", "", "50")),
                "Test"), "Split 'Test': the path 'Flow_b' (Variant B) has no name; set its Variant name");
    }

    @Test
    void sixVariantsAreRefused() {
        assertRefused(journey(key, experiment, List.of(new Path_("a", "A", "20"), new Path_("b", "B", "20"),
                new Path_("c", "C", "20"), new Path_("d", "D", "20"), new Path_("e", "E", "10"),
                new Path_("a", "F", "10")), "Test"),
                "Split 'Test' has 6 variant paths; use 2 to 5 (Stageflow: Split path), plus at most one holdout");
        assertRefused(journey(key, experiment, List.of(new Path_("a", "Control", "100")), "Test"),
                "Split 'Test' has 1 variant path; use 2 to 5");
    }

    @Test
    void aDuplicateNameOrLetterIsRefused() {
        assertRefused(journey(key, experiment, List.of(new Path_("a", "Control", "50"), new Path_("b", "control", "50")),
                "Test"), "Split 'Test' has two paths named 'control'; give each path its own Variant name");
        assertRefused(journey(key, experiment, List.of(new Path_("a", "Control", "50"), new Path_("a", "Short", "50")),
                "Test"), "Split 'Test': the paths 'Flow_a' and 'Flow_a2' are both Variant A; give each path its own"
                + " Path letter");
    }

    @Test
    void aBadKeyOrHoldoutOrAnArrowThatIsNoSplitPathIsRefused() {
        List<Path_> fiftyFifty = List.of(new Path_("a", "Control", "50"), new Path_("b", "Short", "50"));
        assertRefused(journey(key, "Welcome_Subject", fiftyFifty, "Test"),
                "Split 'Test' has experiment key 'Welcome_Subject'; use up to 60 lower-case letters, digits and hyphens");
        assertRefused(journey(key, "", fiftyFifty, "Test"), "Split 'Test' names no experiment: set its Experiment key");
        assertRefused(journey(key, experiment, List.of(new Path_("a", "Control", "50"), new Path_("b", "Short", "50"),
                new Path_("holdout", "Holdout", "60")), "Test"),
                "Split 'Test': the holdout 'Holdout' has share '60'; set its Share to a whole number of per cent from 1"
                        + " to 50");
        assertRefused(journey(key, experiment, List.of(new Path_("a", "Control", "50"), new Path_("b", "Short", "50"),
                new Path_("holdout", "Holdout", "10"), new Path_("holdout", "Holdout 2", "10")), "Test"),
                "Split 'Test' has 2 holdout paths");
        assertRefused(journey(key, experiment, fiftyFifty, "Test").replace(
                        "<bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">${experimentPath == 'b'}",
                        "<bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">${true}"),
                "Split 'Test': the arrow 'Flow_b' is not a split path");
        assertRefused(journey(key, experiment, fiftyFifty, "Test").replace("<bpmn:exclusiveGateway id=\"Test\"",
                "<bpmn:exclusiveGateway id=\"Test\" default=\"Flow_b\"").replace(
                        "<bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">${experimentPath == 'b'}"
                                + "</bpmn:conditionExpression>", ""),
                "Split 'Test' has a default path ('Flow_b')");
        assertRefused(journey(key, experiment, fiftyFifty, "Test").replace("event=\"start\"", "event=\"end\""),
                "Split 'Test' runs ${split} on 'end'; it must run on 'start'");
    }

    @Test
    void aHoldoutThatLeadsToASendStepIsRefused() {
        String sends = journey(key, experiment, FIFTY_THIRTY_TWENTY_HOLDOUT_TEN, "Test")
                .replace("<bpmn:sequenceFlow id=\"Flow_holdout\" name=\"Holdout\" sourceRef=\"Test\" targetRef=\"End_Holdout\"",
                        "<bpmn:sequenceFlow id=\"Flow_holdout\" name=\"Holdout\" sourceRef=\"Test\" targetRef=\"Wait\"")
                .replace("</bpmn:process>", """
                        <bpmn:intermediateCatchEvent id="Wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
                        <bpmn:serviceTask id="SendLater" camunda:asyncBefore="true" camunda:delegateExpression="${sendEmail}">
                          <bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="template">welcome</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>
                        </bpmn:serviceTask>
                        <bpmn:sequenceFlow id="Flow_wait" sourceRef="Wait" targetRef="SendLater"/>
                        <bpmn:sequenceFlow id="Flow_sent" sourceRef="SendLater" targetRef="End_Holdout"/>
                        </bpmn:process>""");
        assertRefused(sends, "Split 'Test': the holdout 'Holdout' leads to the send step 'SendLater'; a holdout sends"
                + " nothing");
    }

    @Test
    void theStepBelongsOnAGatewayAndItsConditionsOnlyOnItsArrows() {
        assertRefused(ShippedBpmn.serviceTask(key, "${split}"),
                "Step 'Task' runs ${split}, which is not a task's step: apply the template io.stageflow.split to a"
                        + " bpmn:ExclusiveGateway instead");
        String plainGateway = journey(key, experiment, List.of(new Path_("a", "Control", "50"),
                new Path_("b", "Short", "50")), "Test").replace("<camunda:executionListener delegateExpression=\"${split}\""
                + " event=\"start\" />", "");
        assertRefused(plainGateway, "The arrow 'Flow_a' is a split path, but 'Test', where it starts, is not a split");
        String twice = journey(key, experiment, FIFTY_THIRTY_TWENTY_HOLDOUT_TEN, "Test").replace("</bpmn:process>",
                journeyBody(experiment, List.of(new Path_("a", "Again A", "50"), new Path_("b", "Again B", "50")),
                        "Test2", "Start2") + "</bpmn:process>");
        assertRefused(twice, "Splits 'Test' and 'Test2' both run experiment '" + experiment + "'");
    }

    @Test
    void theStartupCheckFindsASplitThatCannotRun(@TempDir Path folder) throws Exception {
        Path bad = folder.resolve("bad.bpmn");
        Files.writeString(bad, journey(key, experiment, List.of(new Path_("a", "Control", "50"),
                new Path_("b", "Short", "40")), "Test"));
        Path fine = folder.resolve("fine.bpmn");
        Files.writeString(fine, journey(key, experiment, FIFTY_THIRTY_TWENTY_HOLDOUT_TEN, "Test"));

        assertThat(folderCheck.problems(bad, "bpmn/bad.bpmn")).containsExactly("bpmn/bad.bpmn: Split 'Test': the"
                + " weights of its paths sum to 90 (Control 50, Short 40); make them sum to 100 (a holdout's share is"
                + " apart)");
        assertThat(folderCheck.problems(fine, "bpmn/fine.bpmn")).isEmpty();
        assertThat(folderCheck.problems(Path.of("src/test/resources/journeys/split-demo.bpmn"), "split-demo.bpmn"))
                .isEmpty();
    }

    @Test
    void aMarketerDeploysASplitAsItsTemplatesDrawItButNoOtherListener(@TempDir Path folder) throws Exception {
        String marketer = newUser(Roles.MARKETER, PASSWORD);
        StageflowClient asMarketer = client(marketer, PASSWORD);
        String split = journey(key, experiment, FIFTY_THIRTY_TWENTY_HOLDOUT_TEN, "Test");

        StageflowClient.Response deployed = ModelerDeployments.deploy(asMarketer, key, key + ".bpmn", split);
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);

        // Beside the split's own listener, which the deploy check of the split needs to see.
        String classListener = split.replace("<camunda:executionListener delegateExpression=\"${split}\" event=\"start\" />",
                "<camunda:executionListener delegateExpression=\"${split}\" event=\"start\" />"
                        + "<camunda:executionListener class=\"java.lang.Object\" event=\"start\" />");
        String scriptListener = split.replace("<camunda:executionListener delegateExpression=\"${split}\" event=\"start\" />",
                "<camunda:executionListener delegateExpression=\"${split}\" event=\"start\">"
                        + "<camunda:field name=\"x\" stringValue=\"y\" /></camunda:executionListener>");
        String otherBean = split.replace("<camunda:executionListener delegateExpression=\"${split}\" event=\"start\" />",
                "<camunda:executionListener delegateExpression=\"${split}\" event=\"start\" />"
                        + "<camunda:executionListener delegateExpression=\"${sendEmail}\" event=\"start\" />");
        for (String refused : List.of(classListener, scriptListener, otherBean)) {
            StageflowClient.Response response = ModelerDeployments.deploy(asMarketer, key, key + ".bpmn", refused);
            assertThat(response.status()).as(response.body()).isEqualTo(400);
            assertThat(response.body()).contains("runs code (executionListener)");
        }

        String unnamed = journey(key, experiment, List.of(new Path_("a", "Control", "50"), new Path_("b", "", "50")),
                "Test");
        StageflowClient.Response refused = ModelerDeployments.deploy(asMarketer, key, key + ".bpmn", unnamed);
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("Split 'Test': the path 'Flow_b' (Variant B) has no name")
                .contains("\"mainElementId\":\"Test\"");
        Path file = Files.createDirectories(folder.resolve("upload")).resolve(key + ".bpmn");
        Files.writeString(file, unnamed);
        StageflowClient.Response uploaded = asMarketer.postFile("/api/v1/journeys", "file", file);
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(400);
        assertThat(uploaded.contentType()).startsWith("application/problem+json");
        assertThat(uploaded.json().path("errors").get(0).path("message").asText())
                .contains("Split 'Test': the path 'Flow_b' (Variant B) has no name; set its Variant name");
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey(key).count()).isEqualTo(1);
    }

    private void assertRefused(String bpmn, String message) {
        assertThatThrownBy(() -> repositoryService.createDeployment().addString(key + ".bpmn", bpmn).deploy())
                .isInstanceOf(ParseException.class).hasMessageContaining(message);
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey(key).count()).isZero();
    }

    private void deploy(String bpmn) {
        repositoryService.createDeployment().addString(key + ".bpmn", bpmn).deploy();
    }

    /** Starts the journey for the customer, which passes the split and ends; the path's name, from its end event. */
    private String enter(String customer) {
        String instance = runtimeService.startProcessInstanceByKey(key, customer).getId();
        return historyService.createHistoricActivityInstanceQuery().processInstanceId(instance).activityType("noneEndEvent")
                .singleResult().getActivityId().substring("End_".length());
    }

    /** A journey of one split whose paths each end at {@code End_<name>}. */
    static String journey(String key, String experiment, List<Path_> paths, String gatewayName) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
                  <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="P1D">
                %s
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(key, journeyBody(experiment, paths, "Test", "Start")).replace(
                "<bpmn:exclusiveGateway id=\"Test\"", "<bpmn:exclusiveGateway id=\"Test\" name=\"" + gatewayName + "\"");
    }

    private static String journeyBody(String experiment, List<Path_> paths, String gatewayId, String startId) {
        StringBuilder body = new StringBuilder();
        // One none start event per process: a second split's "start" is a task nothing leads to.
        body.append(startId.equals("Start") ? "<bpmn:startEvent id=\"" : "<bpmn:task id=\"").append(startId)
                .append("\"/>\n");
        body.append("<bpmn:sequenceFlow id=\"Flow_").append(startId).append("\" sourceRef=\"").append(startId)
                .append("\" targetRef=\"").append(gatewayId).append("\"/>\n");
        body.append("<bpmn:exclusiveGateway id=\"").append(gatewayId).append("\"><bpmn:extensionElements>")
                .append("<camunda:executionListener delegateExpression=\"${split}\" event=\"start\" />")
                .append("<camunda:properties><camunda:property name=\"experiment\" value=\"").append(experiment)
                .append("\" /></camunda:properties></bpmn:extensionElements></bpmn:exclusiveGateway>\n");
        Map<String, Integer> seen = new HashMap<>();
        for (Path_ path : paths) {
            int n = seen.merge(path.letter(), 1, Integer::sum);
            String id = "Flow_" + (gatewayId.equals("Test") ? "" : gatewayId + "_") + path.letter() + (n > 1 ? n : "");
            String end = "End_" + (gatewayId.equals("Test") ? "" : gatewayId + "_")
                    + (path.name().isEmpty() ? id : path.name().replace(' ', '_'));
            String property = path.letter().equals("holdout") ? "share" : "weight";
            body.append("<bpmn:sequenceFlow id=\"").append(id).append("\"")
                    .append(path.name().isEmpty() ? "" : " name=\"" + path.name() + "\"")
                    .append(" sourceRef=\"").append(gatewayId).append("\" targetRef=\"").append(end).append("\">")
                    .append("<bpmn:extensionElements><camunda:properties><camunda:property name=\"").append(property)
                    .append("\" value=\"").append(path.amount()).append("\" /></camunda:properties>")
                    .append("</bpmn:extensionElements>")
                    .append("<bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">${experimentPath == '")
                    .append(path.letter()).append("'}</bpmn:conditionExpression></bpmn:sequenceFlow>\n");
            body.append("<bpmn:endEvent id=\"").append(end).append("\"/>\n");
        }
        return body.toString();
    }

    /** Small journeys that are no split. */
    static final class ShippedBpmn {

        static String serviceTask(String key, String delegateExpression) {
            return """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                        xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
                      <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="P1D">
                        <bpmn:startEvent id="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
                        <bpmn:serviceTask id="Task" camunda:delegateExpression="%s">
                          <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
                        </bpmn:serviceTask>
                        <bpmn:endEvent id="End"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
                        <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Task"/>
                        <bpmn:sequenceFlow id="f2" sourceRef="Task" targetRef="End"/>
                      </bpmn:process>
                    </bpmn:definitions>
                    """.formatted(key, delegateExpression);
        }
    }
}
