package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.security.Roles;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.JourneyFiles;
import io.stageflow.testing.StageflowClient;

import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Journeys as versions (docs/api.md, docs/console.md): a marketer deploys a changed journey file, through the API as
 * from Camunda Modeler, with the same validation; each version says who deployed it, from where and why; a version
 * downloads marked as made from it, and an upload made from an older version than the live one is refused; two
 * versions compare step by step. A bad file is refused whole, naming the element and the reason. Each test deploys
 * its own copy of the welcome journey, started by an event no other test sends.
 */
class JourneyDeploymentTest extends IntegrationTest {

    private static final String PASSWORD = "Deploying-journeys-42";

    @Autowired
    RepositoryService repositoryService;

    @TempDir
    Path files;

    private String key;
    private String marketer;
    private StageflowClient asMarketer;

    @BeforeEach
    void marketer() {
        key = "welcome-copy-" + UUID.randomUUID().toString().substring(0, 8);
        marketer = newUser(Roles.MARKETER, PASSWORD);
        asMarketer = client(marketer, PASSWORD);
    }

    @Test
    void aMarketerDeploysAChangedJourneyAndSeesWhoDeployedEachVersionAndWhatChanged() throws Exception {
        StageflowClient.Response first = upload(asMarketer, key + ".bpmn", welcomeCopy(), "First copy");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().path("key").asText()).isEqualTo(key);
        assertThat(first.json().path("version").asInt()).isEqualTo(1);

        String fiveDays = welcomeCopy().replace(">P3D<", ">P5D<").replace("name=\"3 days passed\"",
                "name=\"5 days passed\"");
        StageflowClient.Response second = upload(asMarketer, key + ".bpmn", fiveDays, "Wait 5 days, not 3");
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        assertThat(second.json().path("version").asInt()).isEqualTo(2);

        JsonNode versions = asMarketer.get("/api/v1/journeys/" + key + "/versions").expectStatus(200).json();
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).path("version").asInt()).isEqualTo(2);
        assertThat(versions.get(0).path("deployedBy").asText()).isEqualTo(marketer);
        assertThat(versions.get(0).path("from").asText()).isEqualTo("Stageflow console");
        assertThat(versions.get(0).path("comment").asText()).isEqualTo("Wait 5 days, not 3");
        assertThat(versions.get(1).path("comment").asText()).isEqualTo("First copy");

        JsonNode changes = asMarketer.get("/api/v1/journeys/" + key + "/changes?from=1&to=2").expectStatus(200)
                .json().path("changes");
        assertThat(changes).as("only the wait changed, its name and its duration").singleElement()
                .satisfies(change -> {
                    assertThat(change.path("elementId").asText()).isEqualTo("ThreeDaysPassed");
                    assertThat(change.path("kind").asText()).isEqualTo("CHANGED");
                    assertThat(change.path("details").toString())
                            .contains("name: '3 days passed' → '5 days passed'")
                            .contains("timerEventDefinition/timeDuration: 'P3D' → 'P5D'");
                });

        String withStep = fiveDays.replace("<bpmn:process id=\"" + key + "\"", "<bpmn:process id=\"" + key + "\"")
                .replace("</bpmn:process>", "<bpmn:task id=\"Note\" name=\"A note\" /></bpmn:process>");
        upload(asMarketer, key + ".bpmn", withStep, null).expectStatus(201);
        assertThat(asMarketer.get("/api/v1/journeys/" + key + "/changes?from=3&to=1").expectStatus(200).json()
                .path("changes").toString()).contains("\"elementId\":\"Note\"").contains("\"kind\":\"REMOVED\"")
                .contains("\"elementId\":\"ThreeDaysPassed\"");
    }

    @Test
    void aDownloadedVersionIsMarkedAndAnEditOfAnOlderVersionIsRefusedNotDeployedOverANewerOne() {
        upload(asMarketer, key + ".bpmn", welcomeCopy(), null).expectStatus(201);
        StageflowClient.Response download = asMarketer.get("/api/v1/journeys/" + key + "/versions/1/bpmn");
        assertThat(download.status()).isEqualTo(200);
        assertThat(JourneyLineage.processes(download.body().getBytes(StandardCharsets.UTF_8))).containsEntry(key, 1);

        String editOfOne = download.body().replace(">P3D<", ">P4D<");
        upload(asMarketer, key + ".bpmn", download.body().replace(">P3D<", ">P5D<"), "Someone else's change")
                .expectStatus(201);
        StageflowClient.Response stale = upload(asMarketer, key + ".bpmn", editOfOne, "Mine");
        assertThat(stale.status()).as(stale.body()).isEqualTo(409);
        assertThat(stale.contentType()).startsWith("application/problem+json");
        assertThat(stale.json().path("liveVersion").asInt()).isEqualTo(2);
        assertThat(stale.json().path("basedOnVersion").asInt()).isEqualTo(1);
        assertThat(stale.json().path("detail").asText()).contains("made from version 1");
        assertThat(latestVersion()).as("nothing deployed").isEqualTo(2);

        String editOfTwo = asMarketer.get("/api/v1/journeys/" + key + "/versions/2/bpmn").body()
                .replace(">P5D<", ">P4D<");
        upload(asMarketer, key + ".bpmn", editOfTwo, "Mine, on top of version 2").expectStatus(201);
        assertThat(latestVersion()).isEqualTo(3);
    }

    @Test
    void aBadFileIsRefusedWholeNamingTheElementAndTheReason() {
        upload(asMarketer, key + ".bpmn", welcomeCopy(), null).expectStatus(201);

        StageflowClient.Response typo = upload(asMarketer, key + ".bpmn",
                welcomeCopy().replace("<camunda:inputParameter name=\"template\">welcome</camunda:inputParameter>",
                        "<camunda:inputParameter name=\"templat\">welcome</camunda:inputParameter>"), null);
        assertThat(typo.status()).as(typo.body()).isEqualTo(400);
        assertThat(typo.contentType()).startsWith("application/problem+json");
        JsonNode error = typo.json().path("errors").get(0);
        assertThat(error.path("field").asText()).isEqualTo("file");
        assertThat(error.path("elementId").asText()).isEqualTo("SendWelcomeEmail");
        assertThat(error.path("message").asText()).contains("templat").contains("does not know");
        assertThat(error.path("line").asInt()).isPositive();

        StageflowClient.Response missingTemplate = upload(asMarketer, key + ".bpmn",
                welcomeCopy().replace(">welcome</camunda:inputParameter>", ">no-such-template</camunda:inputParameter>"),
                null);
        assertThat(missingTemplate.status()).isEqualTo(400);
        assertThat(missingTemplate.json().path("errors").get(0).path("message").asText())
                .contains("no-such-template");

        StageflowClient.Response notBpmn = upload(asMarketer, key + ".bpmn", "<html><body>Hello</body></html>", null);
        assertThat(notBpmn.status()).as(notBpmn.body()).isEqualTo(400);
        assertThat(notBpmn.json().path("errors").get(0).path("field").asText()).isEqualTo("file");

        StageflowClient.Response notXml = upload(asMarketer, key + ".bpmn", "just text", null);
        assertThat(notXml.status()).isEqualTo(400);

        StageflowClient.Response wrongKind = upload(asMarketer, key + ".txt", welcomeCopy(), null);
        assertThat(wrongKind.status()).isEqualTo(400);
        assertThat(wrongKind.json().path("errors").get(0).path("message").asText()).contains(".bpmn");

        StageflowClient.Response longComment = upload(asMarketer, key + ".bpmn", welcomeCopy(), "x".repeat(501));
        assertThat(longComment.status()).isEqualTo(400);
        assertThat(longComment.json().path("errors").get(0).path("field").asText()).isEqualTo("comment");

        StageflowClient.Response noFile = asMarketer.postFile("/api/v1/journeys", "file", null);
        assertThat(noFile.status()).isEqualTo(400);
        assertThat(noFile.contentType()).startsWith("application/problem+json");
        assertThat(noFile.json().path("errors").get(0).path("field").asText()).isEqualTo("file");

        StageflowClient.Response unknownVersion = asMarketer.get("/api/v1/journeys/" + key + "/changes?from=1&to=9");
        assertThat(unknownVersion.status()).isEqualTo(400);
        assertThat(unknownVersion.json().path("errors").get(0).path("field").asText()).isEqualTo("to");
        StageflowClient.Response notANumber = asMarketer.get("/api/v1/journeys/" + key + "/changes?from=one&to=1");
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.json().path("errors").get(0).path("field").asText()).isEqualTo("from");
        StageflowClient.Response missing = asMarketer.get("/api/v1/journeys/" + key + "/changes?to=1");
        assertThat(missing.json().path("errors").get(0).path("field").asText()).isEqualTo("from");
        assertThat(asMarketer.get("/api/v1/journeys/no-such-journey/versions").status()).isEqualTo(404);

        assertThat(latestVersion()).as("no refused file deployed anything").isEqualTo(1);
    }

    @Test
    void camundaModelerDeploysAsTheMarketerWithTheSameValidationAndALargeFileIsRefusedWhole() {
        StageflowClient.Response modeler = ModelerDeployments.deploy(asMarketer, key + "-diagram", key + ".bpmn",
                welcomeCopy());
        assertThat(modeler.status()).as(modeler.body()).isEqualTo(200);
        JsonNode version = asMarketer.get("/api/v1/journeys/" + key + "/versions").expectStatus(200).json().get(0);
        assertThat(version.path("deployedBy").asText()).isEqualTo(marketer);
        assertThat(version.path("from").asText()).isEqualTo("Camunda Modeler");

        StageflowClient.Response typo = ModelerDeployments.deploy(asMarketer, key + "-diagram", key + ".bpmn",
                welcomeCopy().replace("name=\"template\"", "name=\"templat\""));
        assertThat(typo.status()).as(typo.body()).isEqualTo(400);
        assertThat(typo.body()).contains("SendWelcomeEmail").contains("templat");

        String padding = "<!-- " + "x".repeat(1024 * 1024) + " -->";
        StageflowClient.Response large = ModelerDeployments.deploy(asMarketer, key + "-diagram", key + ".bpmn",
                welcomeCopy().replace("</bpmn:definitions>", padding + "</bpmn:definitions>"));
        assertThat(large.status()).as(large.body()).isEqualTo(400);
        assertThat(large.body()).contains("stageflow.journeys.max-file-size");
        assertThat(latestVersion()).isEqualTo(1);

        String operator = newUser(Roles.OPERATOR, PASSWORD);
        StageflowClient.Response asOperator = ModelerDeployments.deploy(client(operator, PASSWORD), key + "-diagram",
                key + ".bpmn", welcomeCopy().replace(">P3D<", ">P6D<"));
        assertThat(asOperator.status()).as("operators run journeys, they do not change them").isEqualTo(403);
        assertThat(upload(client(operator, PASSWORD), key + ".bpmn", welcomeCopy(), null).status()).isEqualTo(403);
        assertThat(latestVersion()).isEqualTo(1);
    }

    @Test
    void aMarketersJourneyRunsOnlyStageflowsStepsAndPlainExpressionsWhileAnAdminsMayRunCode() {
        String script = welcomeCopy().replace("<bpmn:endEvent id=\"Converted\"",
                "<bpmn:scriptTask id=\"Evil\" scriptFormat=\"javascript\"><bpmn:script>1</bpmn:script>"
                        + "</bpmn:scriptTask><bpmn:endEvent id=\"Converted\"");
        String bean = welcomeCopy().replace(">P3D<", ">${jdbcTemplate.dataSource}<");
        String call = welcomeCopy().replace(">P3D<", ">${customer.toString()}<");
        String engine = welcomeCopy().replace(">P3D<", ">${execution.processEngine}<");
        String javaClass = welcomeCopy().replace("camunda:delegateExpression=\"${sendEmail}\"",
                "camunda:class=\"java.lang.Object\"");
        String otherBean = welcomeCopy().replace("camunda:delegateExpression=\"${sendEmail}\"",
                "camunda:delegateExpression=\"${jdbcTemplate}\"");
        for (String[] attack : new String[][] {{script, "runs code (scriptTask)"}, {bean, "reaches 'jdbcTemplate'"},
                {call, "calls a method"}, {engine, "reaches 'execution'"}, {javaClass, "names code (camunda:class)"},
                {otherBean, "not one of Stageflow's steps"}}) {
            StageflowClient.Response refused = upload(asMarketer, key + ".bpmn", attack[0], null);
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().path("errors").get(0).path("message").asText()).contains(attack[1]);
            StageflowClient.Response modeler = ModelerDeployments.deploy(asMarketer, key + "-diagram",
                    key + ".bpmn", attack[0]);
            assertThat(modeler.status()).as(modeler.body()).isEqualTo(400);
        }
        String decision = """
                <?xml version="1.0" encoding="UTF-8"?>
                <definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"
                    xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="d" name="d" namespace="x">
                  <decision id="%s-decision" name="Evil" camunda:historyTimeToLive="P1D">
                    <decisionTable id="t">
                      <input id="i"><inputExpression id="e" typeRef="string" expressionLanguage="juel">
                        <text>${jdbcTemplate}</text></inputExpression></input>
                      <output id="o" name="out" typeRef="string"/>
                    </decisionTable>
                  </decision>
                </definitions>""".formatted(key);
        StageflowClient.Response dmn = ModelerDeployments.deploy(asMarketer, key + "-decision", key + ".dmn", decision);
        assertThat(dmn.status()).as(dmn.body()).isEqualTo(400);
        assertThat(dmn.body()).contains("not a BPMN file");
        assertThat(repositoryService.createDecisionDefinitionQuery().decisionDefinitionKey(key + "-decision").count())
                .as("a marketer deploys no decision table").isZero();
        assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey(key).count())
                .as("nothing of them deployed").isZero();

        String plain = welcomeCopy().replace(">P3D<", ">${reminderWait}<");
        assertThat(upload(asMarketer, key + ".bpmn", plain, null).status()).as("a variable is fine").isEqualTo(201);
        StageflowClient.Response admin = ModelerDeployments.deploy(client(), key + "-diagram", key + ".bpmn", script);
        assertThat(admin.status()).as("an admin's deployment is trusted, as before: " + admin.body()).isEqualTo(200);
    }

    private int latestVersion() {
        return repositoryService.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion()
                .singleResult().getVersion();
    }

    private String welcomeCopy() {
        return JourneyFiles.welcomeCopy(key);
    }

    private StageflowClient.Response upload(StageflowClient client, String fileName, String bpmn, String comment) {
        try {
            Path file = Files.createDirectories(files.resolve(UUID.randomUUID().toString())).resolve(fileName);
            Files.writeString(file, bpmn);
            return client.postFile("/api/v1/journeys" + (comment == null ? "" : "?comment="
                    + java.net.URLEncoder.encode(comment, StandardCharsets.UTF_8)), "file", file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
