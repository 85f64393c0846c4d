package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.security.Roles;
import io.stageflow.testing.ConsoleSession;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.ShippedJourneys;
import io.stageflow.testing.StageflowClient;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.management.JobDefinition;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A marketer moves customers in flight from one version of the welcome journey to the next, which waits 5 days for
 * the first order instead of 3 (its wait and its timer renamed, its reminder step renamed too): the preview says who
 * can move and, for the others, which step has no mapping; the migration runs as the engine's batch; the moved
 * customers' timers keep their due dates, and an order still reaches a moved customer, who goes on in the new
 * version. Bad input answers problem+json naming the field; the console page shows it all to marketers only.
 *
 * <p>Each test deploys its own version to move from, so that only its own customers are in it (the engine is shared),
 * and puts the shipped journey back as the latest version at the end.
 */
class JourneyMigrationTest extends IntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "Journey-migrations-42";
    private static final String MAPPINGS = """
            {"WaitForFirstOrder": "WaitFiveDaysForFirstOrder", "ThreeDaysPassed": "FiveDaysPassed",
             "FirstOrderReceived": "FirstOrderReceived"}""";

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    HistoryService historyService;

    @Autowired
    JourneyFolderCheck folderCheck;

    @Test
    void customersWaitingInOneVersionMoveToTheNextKeepTheirTimerAndStillReceiveTheirOrder(@TempDir Path project)
            throws Exception {
        String original = Files.readString(Path.of("bpmn", "welcome.bpmn"));
        Path bpmn = Files.createDirectories(project.resolve("bpmn"));
        List<String> leftOver = new ArrayList<>();
        JobDefinition reminderSends = null;
        try {
            int from = deploy(bpmn, ownVersionOf(original)).getVersion();
            String ada = customer();
            String bob = customer();
            String cyd = customer();
            for (String id : List.of(ada, bob, cyd)) {
                client().signUp(id, id + "@example.com", "Test");
                awaitMail(id + "@example.com", 1);
                awaitSettled(id);
            }
            assertThat(definitionOf(ada).getVersion()).isEqualTo(from);
            // Cyd is about to be sent the reminder: the send waits, as its job definition is suspended.
            ProcessDefinition fromDefinition = definitionOf(cyd);
            reminderSends = managementService.createJobDefinitionQuery().processDefinitionId(fromDefinition.getId())
                    .activityIdIn("SendReminderEmail").singleResult();
            managementService.suspendJobDefinitionById(reminderSends.getId());
            runtimeService.createProcessInstanceModification(instanceOf(cyd)).startBeforeActivity("SendReminderEmail")
                    .cancelAllForActivity("WaitForFirstOrder").execute();
            leftOver.add(instanceOf(cyd));

            int to = deploy(bpmn, versionTwoOf(original)).getVersion();
            String journey = "/api/v1/journeys/welcome/migrations";
            Date adaDue = timerOf(ada).getDuedate();
            Date bobDue = timerOf(bob).getDuedate();

            // Without mappings nobody can move: the wait and the reminder have no step of the same id.
            JsonNode bare = client().post(journey + "/preview", body(from, to, "{}")).expectStatus(200).json();
            assertThat(bare.path("canMove").asInt()).isZero();
            assertThat(bare.path("cannotMove").asInt()).isEqualTo(3);
            assertThat(ids(bare.path("unmapped"))).as("the steps a customer can be at, with no mapping")
                    .containsExactlyInAnyOrder("WaitForFirstOrder", "FirstOrderReceived", "ThreeDaysPassed",
                            "SendReminderEmail");
            assertThat(reasonsOf(bare, ada)).singleElement().asString()
                    .contains("no mapping", "'First order within 3 days?' (WaitForFirstOrder)");

            // Mapped, the waiting customers can move; Cyd, at the reminder, still cannot, and the preview says why.
            JsonNode mapped = client().post(journey + "/preview", body(from, to, MAPPINGS)).expectStatus(200).json();
            assertThat(mapped.path("canMove").asInt()).isEqualTo(2);
            assertThat(mapped.path("cannotMove").asInt()).isEqualTo(1);
            assertThat(mapped.path("problems")).isEmpty();
            assertThat(mapped.path("warnings")).isEmpty();
            assertThat(reasonsOf(mapped, ada)).isEmpty();
            assertThat(reasonsOf(mapped, cyd)).singleElement().asString()
                    .contains("no mapping", "'Send reminder' (SendReminderEmail)");
            assertThat(customerIn(mapped, cyd).path("atSteps").get(0).path("id").asText())
                    .isEqualTo("SendReminderEmail");

            // The wait mapped without its events: they would start afresh, and the preview warns of it.
            JsonNode halfMapped = client().post(journey + "/preview",
                    body(from, to, "{\"WaitForFirstOrder\": \"WaitFiveDaysForFirstOrder\"}")).expectStatus(200).json();
            assertThat(halfMapped.path("warnings")).hasSize(2);
            assertThat(halfMapped.path("warnings").toString()).contains("(ThreeDaysPassed)", "(FirstOrderReceived)");

            // A plan the engine refuses: its problems, named by step, and no migration.
            JsonNode refused = client().post(journey + "/preview",
                    body(from, to, "{\"WaitForFirstOrder\": \"SendLastChanceEmail\"}")).expectStatus(200).json();
            assertThat(refused.path("problems").get(0).path("fromStep").asText()).isEqualTo("WaitForFirstOrder");
            assertThat(refused.path("problems").get(0).path("failures")).isNotEmpty();
            assertThat(refused.path("canMove").asInt()).isZero();
            assertProblem(client().post(journey, body(from, to, "{\"WaitForFirstOrder\": \"SendLastChanceEmail\"}")),
                    400, "mappings.WaitForFirstOrder");

            // Mappings naming a step that is not in its version, or remapping a step of the same id: refused.
            for (String path : List.of(journey + "/preview", journey)) {
                assertProblem(client().post(path, body(from, to, "{\"NoSuchStep\": \"Converted\"}")), 400,
                        "mappings.NoSuchStep");
                assertProblem(client().post(path, body(from, to, "{\"WaitForFirstOrder\": \"NoSuchStep\"}")), 400,
                        "mappings.WaitForFirstOrder");
                assertProblem(client().post(path, body(from, to, "{\"SendWelcomeEmail\": \"MarkEngaged\"}")), 400,
                        "mappings.SendWelcomeEmail");
            }

            // Move them.
            HttpResponse<String> started = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(baseUrl() + journey)).header("Content-Type", "application/json")
                    .header("Authorization", StageflowClient.basic("admin", ADMIN_PASSWORD))
                    .POST(HttpRequest.BodyPublishers.ofString(body(from, to, MAPPINGS))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            JsonNode migration = JSON.readTree(started.body());
            long id = migration.path("id").asLong();
            assertThat(started.headers().firstValue("Location")).hasValue(journey + "/" + id);
            assertThat(migration.path("instances").asInt()).isEqualTo(2);
            assertThat(migration.path("skipped").asInt()).isEqualTo(1);
            assertThat(migration.path("requestedBy").asText()).isEqualTo("admin");
            assertThat(migration.path("mappings").path("ThreeDaysPassed").asText()).isEqualTo("FiveDaysPassed");
            // Again at once: refused, as that version is being moved until the batch is gone (then nobody is left).
            assertProblem(client().post(journey, body(from, to, MAPPINGS)), 400, "fromVersion");
            await().atMost(PATIENCE).until(() -> client().get(journey + "/" + id).expectStatus(200).json()
                    .path("progress").path("status").asText().equals("completed"));

            assertThat(definitionOf(ada).getVersion()).isEqualTo(to);
            assertThat(definitionOf(bob).getVersion()).isEqualTo(to);
            assertThat(definitionOf(cyd).getVersion()).as("Cyd stays").isEqualTo(from);
            assertThat(runtimeService.getActiveActivityIds(instanceOf(ada))).containsExactly("WaitFiveDaysForFirstOrder");
            Job adaTimer = timerOf(ada);
            assertThat(adaTimer.getDuedate()).as("the timer keeps its due date").isEqualTo(adaDue);
            assertThat(timerOf(bob).getDuedate()).isEqualTo(bobDue);
            assertThat(adaTimer.getProcessDefinitionId()).isEqualTo(definitionOf(ada).getId());

            // Ada orders: the order reaches her wait, and she converts in the new version.
            String adaInstance = instanceOf(ada);
            client().postEvents("{\"messageId\":\"order-%1$s\",\"type\":\"order_completed\",\"customerId\":\"%1$s\","
                    .formatted(ada) + "\"properties\":{\"total\":25}}").expectStatus(202);
            await().atMost(PATIENCE).until(() -> historyService.createHistoricProcessInstanceQuery()
                    .processInstanceId(adaInstance).finished().count() == 1);
            assertThat(historyService.createHistoricActivityInstanceQuery().processInstanceId(adaInstance)
                    .activityId("Converted").singleResult().getProcessDefinitionId())
                    .isEqualTo(definitionOf(ada).getId());
            leftOver.add(instanceOf(bob));

            // The journey's history lists it, complete.
            JsonNode listed = client().get(journey).expectStatus(200).json();
            JsonNode row = null;
            for (JsonNode candidate : listed) {
                if (candidate.path("id").asLong() == id) {
                    row = candidate;
                }
            }
            assertThat(row).as("listed: " + listed).isNotNull();
            assertThat(row.path("fromVersion").asInt()).isEqualTo(from);
            assertThat(row.path("toVersion").asInt()).isEqualTo(to);
            assertThat(row.path("progress").path("percent").asInt()).isEqualTo(100);
            assertThat(row.path("progress").path("done").asInt()).isEqualTo(2);
            assertThat(jdbc.sql("select skipped from sf_journey_migration where id = ?").param(id).query(Integer.class)
                    .single()).isEqualTo(1);

            // Nobody left to move: refused, naming the field.
            assertProblem(client().post(journey, body(from, to, MAPPINGS)), 400, "fromVersion");

            // The console page, for a marketer: the versions, the steps to map, and the migration.
            StageflowClient marketer = client(newUser(Roles.MARKETER, PASSWORD), PASSWORD);
            StageflowClient.Response page = marketer.get("/journeys/welcome/migrate?from=" + from + "&to=" + to)
                    .expectStatus(200);
            assertThat(page.contentType()).startsWith("text/html");
            assertThat(page.body()).contains("Move customers to another version", "name=\"map.WaitForFirstOrder\"",
                    "value=\"WaitFiveDaysForFirstOrder\"", "id=\"migration-" + id + "\"", "completed: 2 of 2 moved");
            assertThat(marketer.get("/journeys/welcome/migrate/" + id + "/progress").expectStatus(200).body())
                    .contains("id=\"migration-" + id + "\"").doesNotContain("<html");
            assertThat(marketer.get("/journeys/welcome").expectStatus(200).body())
                    .contains("Move customers to another version");
            StageflowClient operator = client(newUser(Roles.OPERATOR, PASSWORD), PASSWORD);
            assertThat(operator.get("/journeys/welcome").expectStatus(200).body())
                    .doesNotContain("Move customers to another version");
            assertThat(operator.get("/journeys/welcome/migrate").status()).isEqualTo(403);
        } finally {
            for (String instance : leftOver) {
                if (runtimeService.createProcessInstanceQuery().processInstanceId(instance).count() > 0) {
                    runtimeService.deleteProcessInstance(instance, "JourneyMigrationTest is done with it");
                }
            }
            if (reminderSends != null) {
                managementService.activateJobDefinitionById(reminderSends.getId(), true);
            }
            // Put the shipped journey back as the latest version for the tests that follow.
            ShippedJourneys.restore(repositoryService, "welcome");
        }
    }

    @Test
    void aMarketerMovesThemInTheConsoleAndAnUnmappedTimerStartsAfresh(@TempDir Path project) throws Exception {
        String original = Files.readString(Path.of("bpmn", "welcome.bpmn"));
        Path bpmn = Files.createDirectories(project.resolve("bpmn"));
        String dan = customer();
        try {
            int from = deploy(bpmn, ownVersionOf(original)).getVersion();
            client().signUp(dan, dan + "@example.com", "Dan");
            awaitMail(dan + "@example.com", 1);
            awaitSettled(dan);
            int to = deploy(bpmn, versionTwoOf(original)).getVersion();

            ConsoleSession console = ConsoleSession.signIn(baseUrl(), newUser(Roles.MARKETER, PASSWORD), PASSWORD);
            String page = console.get("/journeys/welcome/migrate?from=" + from + "&to=" + to);
            assertThat(page).contains("name=\"map.WaitForFirstOrder\"", "name=\"map.FirstOrderReceived\"",
                    "name=\"map.ThreeDaysPassed\"", "name=\"map.SendReminderEmail\"")
                    .as("the step of the same id is offered")
                    .containsPattern("<option value=\"FirstOrderReceived\"\\s+selected");
            String form = "fromVersion=" + from + "&toVersion=" + to
                    + "&map.WaitForFirstOrder=WaitFiveDaysForFirstOrder&map.FirstOrderReceived=FirstOrderReceived"
                    + "&map.ThreeDaysPassed=&map.SendReminderEmail=";
            HttpResponse<String> preview = console.post("/journeys/welcome/migrate/preview", form);
            assertThat(preview.statusCode()).isEqualTo(200);
            assertThat(preview.body()).contains("id=\"preview\"", "<strong class=\"can-move\">1</strong>",
                    "(ThreeDaysPassed)").doesNotContain("<html");

            Instant movedAt = ClockUtil.getCurrentTime().toInstant();
            HttpResponse<String> migrated = console.post("/journeys/welcome/migrate", form);
            assertThat(migrated.statusCode()).as(migrated.body()).isEqualTo(302);
            String location = migrated.headers().firstValue("Location").orElseThrow();
            assertThat(location).contains("/journeys/welcome/migrate?from=" + from + "&to=" + to + "&started=");
            long id = Long.parseLong(location.substring(location.indexOf("started=") + "started=".length()));
            await().atMost(PATIENCE).until(() -> client().get("/api/v1/journeys/welcome/migrations/" + id)
                    .expectStatus(200).json().path("progress").path("status").asText().equals("completed"));
            assertThat(definitionOf(dan).getVersion()).isEqualTo(to);
            Job timer = timerOf(dan);
            assertThat(managementService.createJobDefinitionQuery().jobDefinitionId(timer.getJobDefinitionId())
                    .singleResult().getActivityId()).isEqualTo("FiveDaysPassed");
            assertThat(Duration.between(movedAt, timer.getDuedate().toInstant()))
                    .as("the unmapped timer started afresh, from the move").isBetween(Duration.ofDays(5).minusMinutes(1),
                            Duration.ofDays(5).plusMinutes(1));
            assertThat(console.get(location.replace(baseUrl(), ""))).contains("Migration " + id + " started",
                    "id=\"migration-" + id + "\"");
            assertThat(client().get("/api/v1/journeys/welcome/migrations/" + id).json().path("requestedBy").asText())
                    .startsWith("marketer");
        } finally {
            runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(dan).list()
                    .forEach(instance -> runtimeService.deleteProcessInstance(instance.getId(), "test done"));
            ShippedJourneys.restore(repositoryService, "welcome");
        }
    }

    @Test
    void badInputIsRefusedAsProblemJsonNamingTheField() {
        String journey = "/api/v1/journeys/welcome/migrations";
        int live = repositoryService.createProcessDefinitionQuery().processDefinitionKey("welcome").latestVersion()
                .singleResult().getVersion();
        StageflowClient.Response unknownJourney = client().post("/api/v1/journeys/no-such-journey/migrations/preview",
                body(1, 2, "{}"));
        assertThat(unknownJourney.status()).isEqualTo(404);
        assertThat(unknownJourney.contentType()).startsWith("application/problem+json");
        assertThat(client().get("/api/v1/journeys/no-such-journey/migrations").status()).isEqualTo(404);
        assertThat(client().get(journey + "/987654321").status()).isEqualTo(404);

        for (String path : List.of(journey + "/preview", journey)) {
            assertProblem(client().post(path, body(live, 9999, "{}")), 400, "toVersion");
            assertProblem(client().post(path, body(9999, live, "{}")), 400, "fromVersion");
            assertProblem(client().post(path, body(live, live, "{}")), 400, "toVersion");
            assertProblem(client().post(path, "{\"toVersion\": " + live + "}"), 400, "fromVersion");
            assertProblem(client().post(path, "{\"fromVersion\": \"one\", \"toVersion\": 2}"), 400, "fromVersion");
            StageflowClient.Response malformed = client().post(path, "{");
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.contentType()).startsWith("application/problem+json");
            assertThat(malformed.json().path("title").asText()).isEqualTo("Malformed JSON");
        }
    }

    @Test
    void marketersAndAdminsMoveCustomersOperatorsFollowTheMoves() {
        String journey = "/api/v1/journeys/welcome/migrations";
        StageflowClient marketer = client(newUser(Roles.MARKETER, PASSWORD), PASSWORD);
        StageflowClient operator = client(newUser(Roles.OPERATOR, PASSWORD), PASSWORD);
        StageflowClient nobody = client(newUser(null, PASSWORD), PASSWORD);
        int live = repositoryService.createProcessDefinitionQuery().processDefinitionKey("welcome").latestVersion()
                .singleResult().getVersion();

        assertThat(marketer.post(journey + "/preview", body(live, live, "{}")).status()).as("past security")
                .isEqualTo(400);
        assertThat(operator.post(journey + "/preview", body(live, live, "{}")).status()).isEqualTo(403);
        assertThat(operator.post(journey, body(live, live, "{}")).status()).isEqualTo(403);
        assertThat(operator.get(journey).status()).isEqualTo(200);
        assertThat(marketer.get(journey).status()).isEqualTo(200);
        assertThat(nobody.get(journey).status()).isEqualTo(403);
        assertThat(client(null, null).get(journey).status()).isEqualTo(401);
    }

    private static void assertProblem(StageflowClient.Response response, int status, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        response.json().path("errors").forEach(error -> fields.add(error.path("field").asText()));
        assertThat(fields).as(response.body()).contains(field);
    }

    private static String body(int from, int to, String mappings) {
        return "{\"fromVersion\": %d, \"toVersion\": %d, \"mappings\": %s}".formatted(from, to, mappings);
    }

    private static List<String> ids(JsonNode steps) {
        List<String> ids = new ArrayList<>();
        steps.forEach(step -> ids.add(step.path("id").asText()));
        return ids;
    }

    private static JsonNode customerIn(JsonNode preview, String customerId) {
        for (JsonNode customer : preview.path("customers")) {
            if (customer.path("customerId").asText().equals(customerId)) {
                return customer;
            }
        }
        throw new AssertionError(customerId + " is not in " + preview);
    }

    private static List<String> reasonsOf(JsonNode preview, String customerId) {
        List<String> reasons = new ArrayList<>();
        customerIn(preview, customerId).path("reasons").forEach(reason -> reasons.add(reason.asText()));
        return reasons;
    }

    /** The shipped journey, as a version of this test's own: only this test's customers enter it. */
    private static String ownVersionOf(String original) {
        String marked = original.replace("See docs/journeys/welcome.md.",
                "See docs/journeys/welcome.md. (JourneyMigrationTest " + UUID.randomUUID() + ")");
        assertThat(marked).isNotEqualTo(original);
        return marked;
    }

    /** The next version: waits 5 days, with the wait, its timer and the reminder step renamed. */
    private static String versionTwoOf(String original) {
        String two = original.replace("WaitForFirstOrder", "WaitFiveDaysForFirstOrder")
                .replace("First order within 3 days?", "First order within 5 days?")
                .replace("ThreeDaysPassed", "FiveDaysPassed").replace("3 days passed", "5 days passed")
                .replace(">P3D<", ">P5D<").replace("SendReminderEmail", "SendLastChanceEmail");
        assertThat(two).contains(">P5D<", "id=\"FiveDaysPassed\"", "id=\"SendLastChanceEmail\"");
        return two;
    }

    private ProcessDefinition deploy(Path folder, String welcome) throws Exception {
        Files.writeString(folder.resolve("welcome.bpmn"), welcome);
        deployFolder(folder);
        return repositoryService.createProcessDefinitionQuery().processDefinitionKey("welcome").latestVersion()
                .singleResult();
    }

    private void deployFolder(Path folder) throws Exception {
        new JourneyDeployer(repositoryService, JourneyFolders.of(folder), folderCheck, new HeldBackJourneyFiles())
                .afterPropertiesSet();
    }

    private ProcessDefinition definitionOf(String customerId) {
        String definitionId = historyService.createHistoricProcessInstanceQuery().processDefinitionKey("welcome")
                .processInstanceBusinessKey(customerId).singleResult().getProcessDefinitionId();
        return repositoryService.getProcessDefinition(definitionId);
    }

    private String instanceOf(String customerId) {
        return runtimeService.createProcessInstanceQuery().processDefinitionKey("welcome")
                .processInstanceBusinessKey(customerId).singleResult().getId();
    }

    private Job timerOf(String customerId) {
        return managementService.createJobQuery().processInstanceId(instanceOf(customerId)).timers().singleResult();
    }

    private static String customer() {
        return "mig-" + UUID.randomUUID().toString().substring(0, 12);
    }
}
