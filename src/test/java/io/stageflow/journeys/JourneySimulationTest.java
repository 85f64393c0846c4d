package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.security.Roles;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.JourneyFiles;
import io.stageflow.testing.StageflowClient;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A marketer simulates their own copy of the welcome journey over stored events (inserted as already routed, so the
 * live router never sees them): one customer signed up ten days ago and never ordered (the reminder after 3 days),
 * one ordered the day after signing up (converted), one signed up yesterday (still waiting). The report counts them
 * per step and per template, nothing is sent and nothing of the live system changes; a customer's trace has the
 * rendered email; trying the journey on one customer lists each email with its simulated time; a simulation can be
 * cancelled; bad input names the field; operators read but do not run.
 */
class JourneySimulationTest extends IntegrationTest {

    private static final String PASSWORD = "Journey-simulations-42";

    private String key;
    private StageflowClient asMarketer;

    @BeforeEach
    void deployOwnJourney(@TempDir Path folder) throws Exception {
        key = "simulated_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
        Path file = folder.resolve(key + ".bpmn");
        Files.writeString(file, JourneyFiles.welcomeCopy(key));
        asMarketer = client(newUser(Roles.MARKETER, PASSWORD), PASSWORD);
        asMarketer.postFile("/api/v1/journeys", "file", file).expectStatus(201);
    }

    @Test
    void aSimulationReplaysTheStoredEventsCountsEveryStepAndSendsNothing() {
        Instant now = ClockUtil.getCurrentTime().toInstant();
        String neverOrdered = customer("Ada");
        String ordered = customer("Bob");
        String waiting = customer("Cyd");
        event(neverOrdered, key + "_signed_up", now.minus(Duration.ofDays(10)), "{}");
        event(ordered, key + "_signed_up", now.minus(Duration.ofDays(10)), "{}");
        event(ordered, "order_completed", now.minus(Duration.ofDays(9)), "{\"orderId\":\"o-" + ordered + "\"}");
        event(waiting, key + "_signed_up", now.minus(Duration.ofDays(1)), "{}");
        long liveInstances = runtimeService.createProcessInstanceQuery().processDefinitionKey(key).count();

        StageflowClient.Response started = asMarketer.post("/api/v1/journeys/" + key + "/simulations",
                "{\"days\": 30}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().path("id").asText();
        JsonNode done = awaitFinished(id);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("DONE");
        assertThat(done.path("progressPercent").asInt()).isEqualTo(100);

        JsonNode report = done.path("report");
        assertThat(report.path("entered").asLong()).isEqualTo(3);
        assertThat(report.path("enteredCustomers").asLong()).isEqualTo(3);
        assertThat(report.path("converted").asLong()).isEqualTo(1);
        assertThat(step(report, "SendWelcomeEmail").path("reached").asLong()).isEqualTo(3);
        assertThat(step(report, "SendReminderEmail").path("reached").asLong()).isEqualTo(1);
        assertThat(step(report, "Converted").path("reached").asLong()).isEqualTo(1);
        assertThat(step(report, "WaitForFirstOrder").path("waitingNow").asLong()).isEqualTo(1);
        assertThat(emails(report, "welcome").path("queued").asLong()).isEqualTo(3);
        assertThat(emails(report, "welcome-reminder").path("queued").asLong()).isEqualTo(1);
        JsonNode reminder = emails(report, "welcome-reminder");
        assertThat(reminder.path("sentAtOnce").asLong() + reminder.path("deferred").asLong()).isEqualTo(1);

        // Nothing sent, nothing live.
        for (String customer : List.of(neverOrdered, ordered, waiting)) {
            assertThat(mailTo(customer + "@example.com")).isEmpty();
            assertThat(jdbc.sql("select count(*) from sf_outbox where customer_id = ?").param(customer)
                    .query(Long.class).single()).isZero();
            assertThat(runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(customer).count())
                    .isZero();
        }
        assertThat(runtimeService.createProcessInstanceQuery().processDefinitionKey(key).count())
                .isEqualTo(liveInstances);

        JsonNode trace = asMarketer.get("/api/v1/journeys/" + key + "/simulations/" + id + "/customers/"
                + neverOrdered).expectStatus(200).json();
        assertThat(trace.path("emails")).hasSize(2);
        assertThat(trace.path("emails").get(0).path("template").asText()).isEqualTo("welcome");
        assertThat(trace.path("emails").get(0).path("subject").asText()).isNotBlank();
        assertThat(trace.path("emails").get(1).path("template").asText()).isEqualTo("welcome-reminder");
        assertThat(trace.path("emails").get(1).path("subject").asText()).contains("Ada");
        assertThat(Instant.parse(trace.path("emails").get(1).path("queuedAt").asText()))
                .isAfterOrEqualTo(now.minus(Duration.ofDays(7)).minusSeconds(5));
        assertThat(trace.path("entries").toString()).contains("SendReminderEmail", "ThreeDaysPassed");
        assertThat(mailTo(neverOrdered + "@example.com")).isEmpty();

        String operator = newUser(Roles.OPERATOR, PASSWORD);
        StageflowClient asOperator = client(operator, PASSWORD);
        assertThat(asOperator.get("/api/v1/journeys/" + key + "/simulations/" + id).status()).isEqualTo(200);
        assertThat(asOperator.post("/api/v1/journeys/" + key + "/simulations", "{\"days\": 30}").status())
                .isEqualTo(403);
    }

    @Test
    void tryingTheJourneyOnOneCustomerShowsEachEmailAndWhenItWouldArrive() {
        String ada = customer("Ada");
        Instant before = ClockUtil.getCurrentTime().toInstant();
        JsonNode tried = asMarketer.post("/api/v1/journeys/" + key + "/try",
                "{\"customerId\": \"" + ada + "\", \"days\": 10}").expectStatus(200).json();
        JsonNode emails = tried.path("emails");
        assertThat(emails).hasSize(2);
        assertThat(emails.get(0).path("template").asText()).isEqualTo("welcome");
        assertThat(Instant.parse(emails.get(0).path("arrivesAt").asText())).isBetween(before.minusSeconds(5),
                before.plus(Duration.ofMinutes(5)));
        assertThat(emails.get(1).path("template").asText()).isEqualTo("welcome-reminder");
        Instant reminderQueued = Instant.parse(emails.get(1).path("queuedAt").asText());
        assertThat(Duration.between(before, reminderQueued)).isBetween(Duration.ofDays(3).minusMinutes(5),
                Duration.ofDays(3).plusMinutes(5));
        assertThat(emails.get(1).path("subject").asText()).contains("Ada");
        assertThat(mailTo(ada + "@example.com")).isEmpty();
        assertThat(runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(ada).count()).isZero();

        StageflowClient.Response unknown = asMarketer.post("/api/v1/journeys/" + key + "/try",
                "{\"customerId\": \"no-such-customer-" + UUID.randomUUID() + "\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").get(0).path("field").asText()).isEqualTo("customerId");
    }

    @Test
    void aSimulationCanBeCancelledAndBadInputNamesTheField() {
        String first = asMarketer.post("/api/v1/journeys/" + key + "/simulations", "{\"days\": 90}")
                .expectStatus(202).json().path("id").asText();
        String second = asMarketer.post("/api/v1/journeys/" + key + "/simulations", "{\"days\": 90}")
                .expectStatus(202).json().path("id").asText();
        // The second waits behind the first (one simulation at a time on a node): cancelled before it starts.
        StageflowClient.Response cancelled = asMarketer.post("/api/v1/journeys/" + key + "/simulations/" + second
                + "/cancel");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(202);
        assertThat(awaitFinished(second).path("status").asText()).isEqualTo("CANCELLED");
        assertThat(awaitFinished(first).path("status").asText()).isIn("DONE");

        StageflowClient.Response days = asMarketer.post("/api/v1/journeys/" + key + "/simulations", "{\"days\": 0}");
        assertThat(days.status()).isEqualTo(400);
        assertThat(days.contentType()).startsWith("application/problem+json");
        assertThat(days.json().path("errors").get(0).path("field").asText()).isEqualTo("days");
        StageflowClient.Response version = asMarketer.post("/api/v1/journeys/" + key + "/simulations",
                "{\"version\": 99}");
        assertThat(version.status()).isEqualTo(400);
        assertThat(version.json().path("errors").get(0).path("field").asText()).isEqualTo("version");
        StageflowClient.Response sample = asMarketer.post("/api/v1/journeys/" + key + "/simulations",
                "{\"sample\": 0}");
        assertThat(sample.json().path("errors").get(0).path("field").asText()).isEqualTo("sample");
        assertThat(asMarketer.post("/api/v1/journeys/no-such-journey/simulations", "{}").status()).isEqualTo(404);
        assertThat(asMarketer.get("/api/v1/journeys/" + key + "/simulations/nope").status()).isEqualTo(404);
    }

    private JsonNode awaitFinished(String id) {
        await().atMost(PATIENCE).until(() -> {
            String status = asMarketer.get("/api/v1/journeys/" + key + "/simulations/" + id).expectStatus(200).json()
                    .path("status").asText();
            return !status.equals("QUEUED") && !status.equals("RUNNING");
        });
        return asMarketer.get("/api/v1/journeys/" + key + "/simulations/" + id).expectStatus(200).json();
    }

    private String customer(String firstName) {
        String id = "sim-" + UUID.randomUUID();
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\",\"firstName\":\"" + firstName + "\"}")
                .expectStatus(201);
        return id;
    }

    /** A stored event in the past, already routed: the live router never sees it. */
    private void event(String customer, String type, Instant occurredAt, String properties) {
        Timestamp at = Timestamp.from(occurredAt);
        jdbc.sql("""
                insert into sf_event (message_id, type, customer_id, occurred_at, received_at, properties, status,
                                      attempts, next_attempt_at, routed_at, outcome)
                values (?, ?, ?, ?, ?, ?, 'ROUTED', 1, ?, ?, 'seeded by a test')""")
                .params("sim-" + UUID.randomUUID(), type, customer, at, at, properties, at, at).update();
    }

    private static JsonNode step(JsonNode report, String id) {
        for (JsonNode step : report.path("steps")) {
            if (step.path("id").asText().equals(id)) {
                return step;
            }
        }
        throw new AssertionError("no step " + id + " in " + report);
    }

    private static JsonNode emails(JsonNode report, String template) {
        for (JsonNode emails : report.path("emails")) {
            if (emails.path("template").asText().equals(template)) {
                return emails;
            }
        }
        throw new AssertionError("no emails of " + template + " in " + report);
    }
}
