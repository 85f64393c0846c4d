package io.stageflow.events;

import static io.stageflow.events.Problems.assertProblem;
import static io.stageflow.events.Problems.assertRejected;
import static io.stageflow.events.Problems.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.security.Roles;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.StageflowClient.Response;
import io.stageflow.testing.TestInfrastructure.PoisonedCustomers;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The poison event of issue 14: a total that cannot be stored is refused at the door, and an event whose routing
 * fails for good is dead-lettered at once, without holding back the customer's next event, shown by the events
 * API, counted for operators, and retried by an operator once the cause is gone.
 */
class PoisonEventTest extends IntegrationTest {

    private static final String PASSWORD = "Operator-pass-42";

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    PoisonedCustomers poisonedCustomers;

    private StageflowClient admin;
    private String customerId;

    @BeforeEach
    void poisonProbeJourney() {
        repositoryService.createDeployment().name("poison-test").enableDuplicateFiltering(true)
                .addModelInstance("poison-probe.bpmn", Bpmn.createExecutableProcess("poison-probe")
                        .camundaHistoryTimeToLive(1)
                        .startEvent().message("poison_probe")
                        .serviceTask("Handle").camundaDelegateExpression("${poisonedCustomers}")
                        .userTask("Wait")
                        .endEvent()
                        .done())
                .deploy();
        admin = client();
        customerId = "c-" + UUID.randomUUID().toString().substring(0, 12);
        admin.putCustomer(customerId, "{\"email\":\"" + customerId + "@example.com\"}").expectStatus(201);
    }

    @Test
    void theBadTotalGetsA400AndIsNeverStored() {
        Response events = admin.postEvents("""
                {"messageId":"order-%1$s","type":"order_completed","customerId":"%1$s","properties":{"total":-1e308}}"""
                .formatted(customerId));
        Response segment = admin.postSegment("/v1/track", admin.newWriteKey("poison-segment"), """
                {"userId":"%1$s","messageId":"track-%1$s","event":"Order Completed","properties":{"revenue":1e300}}"""
                .formatted(customerId));

        assertProblem(events, 400);
        assertThat(fields(events)).containsExactly("properties.total");
        assertRejected(segment);
        assertThat(fields(segment)).containsExactly("properties.revenue");
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ?").param(customerId)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aRoutingFailureDeadLettersAtOnceAndTheCustomersNextEventIsRoutedWithoutWaiting() {
        poisonedCustomers.poison(customerId);
        // Time stands still: a retry backoff never elapses, so the next event can only be routed if it does not wait
        // for the failed one (before dead-lettering it waited for all 10 attempts, minutes in production).
        // Whole milliseconds, as the database keeps them, so the events are due at the frozen instant.
        ClockUtil.setCurrentTime(Date.from(Instant.now().truncatedTo(ChronoUnit.MILLIS)));

        post("poison-" + customerId, "poison_probe");
        post("next-" + customerId, "order_completed");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> "routed".equals(event("next-" + customerId).path("status").asText()));
        JsonNode poisoned = event("poison-" + customerId);
        assertThat(poisoned.path("status").asText()).isEqualTo("dead_lettered");
        assertThat(poisoned.path("attempts").asInt()).as("not retried: it would fail the same way").isEqualTo(1);
        assertThat(poisoned.path("outcome").asText()).startsWith("IllegalArgumentException");
        assertThat(jdbc.sql("select order_count from sf_customer where id = ?").param(customerId)
                .query(Integer.class).single()).as("the order after the poisoned event counted").isEqualTo(1);
    }

    @Test
    void operatorsSeeDeadLettersAndRetryOneOnceTheCauseIsFixed() {
        poisonedCustomers.poison(customerId);
        post("poison-" + customerId, "poison_probe");
        await().atMost(PATIENCE)
                .until(() -> "dead_lettered".equals(event("poison-" + customerId).path("status").asText()));
        StageflowClient operator = client(newUser(Roles.OPERATOR, PASSWORD), PASSWORD);
        StageflowClient marketer = client(newUser(Roles.MARKETER, PASSWORD), PASSWORD);

        assertThat(deadLettered(operator)).contains("poison-" + customerId);
        assertThat(admin.get("/actuator/metrics/stageflow.events.dead_lettered").expectStatus(200).json()
                .path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1);
        // The same counter in Prometheus's format, for an operator's scraper; not for a marketer.
        StageflowClient.Response scraped = operator.get("/actuator/prometheus").expectStatus(200);
        assertThat(scraped.contentType()).startsWith("text/plain");
        assertThat(scraped.body()).containsPattern("(?m)^stageflow_events_dead_lettered(\\{[^}]*})? [1-9]")
                .contains("# TYPE jvm_memory_used_bytes gauge").contains("http_server_requests_seconds_count");
        assertProblem(marketer.get("/actuator/prometheus"), 403);
        assertProblem(marketer.get("/api/v1/events?status=dead_lettered"), 403);
        assertProblem(marketer.post("/api/v1/events/poison-" + customerId + "/retry"), 403);
        assertProblem(client(null, null).post("/api/v1/events/poison-" + customerId + "/retry"), 401);
        assertProblem(operator.get("/api/v1/events?status=pending"), 400);
        assertThat(fields(operator.get("/api/v1/events?status=pending"))).containsExactly("status");
        assertProblem(operator.post("/api/v1/events/nothing-" + customerId + "/retry"), 404);

        poisonedCustomers.cure(customerId);
        Response retried = operator.post("/api/v1/events/poison-" + customerId + "/retry");

        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        // The answer shows the event as it is when read back: pending, or already routed by a quick router.
        assertThat(retried.json().path("status").asText()).isIn("pending", "routed");
        await().atMost(PATIENCE).until(() -> "routed".equals(event("poison-" + customerId).path("status").asText()));
        assertThat(runtimeService.createProcessInstanceQuery().processDefinitionKey("poison-probe")
                .processInstanceBusinessKey(customerId).count()).isEqualTo(1);
        assertThat(deadLettered(operator)).doesNotContain("poison-" + customerId);
        assertProblem(operator.post("/api/v1/events/poison-" + customerId + "/retry"), 409);
    }

    private void post(String messageId, String type) {
        admin.postEvents("{\"messageId\":\"%s\",\"type\":\"%s\",\"customerId\":\"%s\"}"
                .formatted(messageId, type, customerId)).expectStatus(202);
    }

    private JsonNode event(String messageId) {
        return admin.get("/api/v1/events/" + messageId).expectStatus(200).json();
    }

    /** The messageIds of every dead-lettered event, page by page. */
    private static List<String> deadLettered(StageflowClient operator) {
        List<String> ids = new ArrayList<>();
        String after = "0";
        while (after != null) {
            JsonNode page = operator.get("/api/v1/events?status=dead_lettered&limit=50&after=" + after)
                    .expectStatus(200).json();
            page.path("events").forEach(event -> ids.add(event.path("messageId").asText()));
            after = page.path("nextAfter").isNull() || page.path("nextAfter").isMissingNode() ? null
                    : page.path("nextAfter").asText();
        }
        return ids;
    }
}
