package io.stageflow.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelAdapter;
import io.stageflow.delivery.ChannelRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.testing.DemoJourneys;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestWebhookReceiver;
import io.stageflow.testing.TestWebhookReceiver.Answer;
import io.stageflow.testing.TestWebhookReceiver.Call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Incident;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The webhook channel end to end: a journey's "Call webhook" step calls the tests' receiving server, which verifies the
 * Standard Webhooks signature with each of the endpoint's two secrets (computed here, independently); the step keeps a
 * field of the answer as a journey variable; a 503 is retried with the same {@code webhook-id}; a 410 disables the
 * endpoint; another 4xx fails at once; and a body that is not JSON, or an unknown endpoint, is refused at deploy.
 */
class WebhookCallTest extends IntegrationTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final TestWebhookReceiver receiver = TestWebhookReceiver.get();

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    HistoryService historyService;

    @Autowired
    List<ChannelAdapter> adapters;

    @Autowired
    Outbox outbox;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    ObjectMapper json;

    @Autowired
    WebhookEndpoints endpoints;

    @Test
    void aJourneyCallsTheEndpointSignedWithBothSecretsAndKeepsAFieldOfTheAnswer() throws Exception {
        String customer = "hook-" + run;
        client().putCustomer(customer, "{\"email\":\"%s@example.com\",\"firstName\":\"Ada \\\"the\\\" Count\"}"
                .formatted(customer)).expectStatus(201);
        receiver.script("/loyalty", new Answer(200, "{\"balance\": {\"points\": 120}}"));
        String instance = startDemo(customer);
        Call call = await().atMost(PATIENCE).until(() -> callsFor("/loyalty", customer), calls -> !calls.isEmpty())
                .get(0);
        String id = call.header("webhook-id");
        String timestamp = call.header("webhook-timestamp");
        assertThat(id).matches("msg_[0-9a-f]{32}");
        assertThat(Long.parseLong(timestamp)).isPositive();
        assertThat(call.header("webhook-signature").split(" ")).containsExactly(
                "v1," + hmac(TestWebhookReceiver.SECRET, id + "." + timestamp + "." + call.body()),
                "v1," + hmac(TestWebhookReceiver.SECOND_SECRET, id + "." + timestamp + "." + call.body()));
        JsonNode body = json.readTree(call.body());
        assertThat(body.path("customerId").asText()).isEqualTo(customer);
        assertThat(body.path("email").asText()).isEqualTo(customer + "@example.com");
        assertThat(body.path("name").asText()).as("a quote in the name stays inside the JSON string")
                .isEqualTo("Ada \"the\" Count");
        assertThat(body.path("points").asInt()).isEqualTo(100);

        await().atMost(PATIENCE).until(() -> historyService.createHistoricProcessInstanceQuery()
                .processInstanceId(instance).finished().count() == 1);
        assertThat(historyService.createHistoricVariableInstanceQuery().processInstanceId(instance)
                .variableName("pointsBalance").singleResult().getValue()).isEqualTo(120);
        // The ticket step did not wait for its call: it may still be on its way.
        await().atMost(PATIENCE).until(() -> jdbc.sql("select status from sf_outbox where journey_instance_id = ?"
                + " order by id").param(instance).query(String.class).list(), rows -> rows.equals(List.of("SENT", "SENT")));
        assertThat(callsFor("/tickets", customer)).hasSize(1);
    }

    @Test
    void aCallRefusedForGoodIsAnIncidentWhoseRetryCallsAgainAndTheJourneyGoesOn() throws Exception {
        String customer = "hook-incident-" + run;
        client().putCustomer(customer, "{\"email\":\"%s@example.com\"}".formatted(customer)).expectStatus(201);
        // The dispatcher's attempt, then the incident job's one attempt: both refused.
        receiver.script("/refusing", new Answer(400, "{\"error\": \"unknown customer\"}"),
                new Answer(400, "{\"error\": \"unknown customer\"}"));
        String instance = startDemo(customer, "refusing");

        Incident incident = await().atMost(PATIENCE).until(() -> runtimeService.createIncidentQuery()
                .processInstanceId(instance).singleResult(), found -> found != null);
        assertThat(incident.getIncidentMessage()).contains("still cannot be delivered").contains("answered 400")
                .contains("unknown customer");
        assertThat(callsFor("/refusing", customer)).hasSize(2);

        receiver.script("/refusing", new Answer(200, "{\"balance\": {\"points\": 7}}"));
        managementService.setJobRetries(incident.getConfiguration(), 1);

        await().atMost(PATIENCE).until(() -> historyService.createHistoricProcessInstanceQuery()
                .processInstanceId(instance).finished().count() == 1);
        assertThat(historyService.createHistoricVariableInstanceQuery().processInstanceId(instance)
                .variableName("pointsBalance").singleResult().getValue()).isEqualTo(7);
        List<Call> calls = callsFor("/refusing", customer);
        assertThat(calls).hasSize(3);
        assertThat(calls).extracting(call -> call.header("webhook-id")).as("one call, three attempts").containsOnly(
                calls.get(0).header("webhook-id"));
    }

    @Test
    void aFailedAttemptIsRetriedWithTheSameWebhookId() throws Exception {
        String customer = "hook-retry-" + run;
        client().putCustomer(customer, "{\"email\":\"%s@example.com\"}".formatted(customer)).expectStatus(201);
        long row = queue("tickets", customer, "{\"subject\": \"Retry\", \"customer\": \"$customer.id\"}");
        receiver.script("/tickets", new Answer(503, "{\"error\": \"busy\"}"));
        await().atMost(PATIENCE).until(() -> callsFor("/tickets", customer).size() == 1
                && "PENDING".equals(status(row)));
        try {
            ClockUtil.setCurrentTime(Date.from(ClockUtil.getCurrentTime().toInstant().plus(Duration.ofMinutes(2))));
            await().atMost(PATIENCE).until(() -> "SENT".equals(status(row)));
        } finally {
            ClockUtil.reset();
        }
        List<Call> calls = callsFor("/tickets", customer);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).header("webhook-id")).as("a retry carries the first attempt's id")
                .isEqualTo(calls.get(0).header("webhook-id"));
    }

    @Test
    void a410DisablesTheEndpointAndAnother4xxFailsAtOnce() {
        String customer = "hook-gone-" + run;
        client().putCustomer(customer, "{\"email\":\"%s@example.com\"}".formatted(customer)).expectStatus(201);
        receiver.script("/gone", new Answer(410, ""));
        receiver.script("/refusing", new Answer(400, "{\"error\": \"no such product\"}"));
        endpoints.enable("gone");
        long gone = queue("gone", customer, "{\"customer\": \"$customer.id\"}");
        long refused = queue("refusing", customer, "{\"customer\": \"$customer.id\"}");
        await().atMost(PATIENCE).until(() -> "FAILED".equals(status(gone)) && "FAILED".equals(status(refused)));
        assertThat(lastError(gone)).contains("answered 410").contains("disabled");
        assertThat(lastError(refused)).contains("answered 400").contains("no such product");
        assertThat(callsFor("/refusing", customer)).as("a 4xx is not retried").hasSize(1);

        long afterwards = queue("gone", customer, "{\"customer\": \"$customer.id\", \"again\": true}");
        await().atMost(PATIENCE).until(() -> "FAILED".equals(status(afterwards)));
        assertThat(lastError(afterwards)).contains("disabled");
        assertThat(callsFor("/gone", customer)).as("a disabled endpoint is not called").hasSize(1);
        assertThat(endpoints.enable("gone")).isTrue();
    }

    @Test
    void aBodyThatIsNotJsonOrAnUnknownEndpointIsRefusedNamingTheSetting() {
        ChannelAdapter webhooks = adapters.stream().filter(adapter -> adapter.channel() == Channel.WEBHOOK)
                .findFirst().orElseThrow();
        assertThat(webhooks.problemWith(Map.of("endpoint", "loyalty", "body", "{\"id\": $customer.id}")))
                .contains("'body'").contains("not valid JSON");
        assertThat(webhooks.problemWith(Map.of("endpoint", "crm", "body", "{}")))
                .contains("'endpoint'").contains("'crm'").contains("not configured");
        assertThat(webhooks.problemWith(Map.of("endpoint", "loyalty", "body", "{\"x\": \"$customer.nope\"}")))
                .contains("'body'");
        assertThat(webhooks.problemWith(Map.of("endpoint", "loyalty", "body", "{\"x\": 1}",
                "responseField", "ticket.id", "resultVariable", "ticket"))).contains("'responseField'");
        assertThat(webhooks.problemWith(Map.of("endpoint", "loyalty", "body", "{\"x\": $json.quote($customer.email)}")))
                .isNull();
    }

    @Test
    void privateLoopbackAndLinkLocalAddressesAreNotPublic() throws Exception {
        for (String address : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1")) {
            assertThat(WebhookEndpoints.isPublic(InetAddress.getByName(address))).as(address).isFalse();
        }
        assertThat(WebhookEndpoints.isPublic(InetAddress.getByName("93.184.216.34"))).isTrue();
        assertThat(WebhookEndpoints.isPublic(InetAddress.getByName("2606:2800:220:1:248:1893:25c8:1946"))).isTrue();
        assertThat(endpoints.hostAllowed("127.0.0.1")).isTrue();
        assertThat(endpoints.hostAllowed("169.254.169.254")).isFalse();
    }

    private String startDemo(String customer) throws IOException {
        return startDemo(customer, "loyalty");
    }

    /** Deploys the demo journey with this run's keys, its first call going to {@code endpoint}, and starts it. */
    private String startDemo(String customer, String endpoint) throws IOException {
        String key = "webhook-demo-" + endpoint + "-" + run;
        String bpmn = DemoJourneys.copyAs("webhook-demo", key)
                .replace("name=\"webhook_demo\"", "name=\"webhook_demo_" + endpoint + "_" + run + "\"")
                .replace("<camunda:inputParameter name=\"endpoint\">loyalty<",
                        "<camunda:inputParameter name=\"endpoint\">" + endpoint + "<");
        repositoryService.createDeployment().addString(key + ".bpmn", bpmn).deploy();
        return runtimeService.startProcessInstanceByKey(key, customer).getId();
    }

    private long queue(String endpoint, String customer, String body) {
        String key = "webhook-test-" + UUID.randomUUID();
        transactions.executeWithoutResult(tx -> outbox.enqueue(new ChannelRequest(key, customer, Channel.WEBHOOK,
                endpoint, EmailCategory.TRANSACTIONAL, null, null, "test", Map.of("endpoint", endpoint, "body", body),
                null, null)));
        return jdbc.sql("select id from sf_outbox where idempotency_key = ?").param(key).query(Long.class).single();
    }

    private List<Call> callsFor(String path, String customer) {
        return receiver.callsTo(path).stream().filter(call -> call.body().contains("\"" + customer + "\"")).toList();
    }

    private String status(long row) {
        return jdbc.sql("select status from sf_outbox where id = ?").param(row).query(String.class).single();
    }

    private String lastError(long row) {
        return jdbc.sql("select last_error from sf_outbox where id = ?").param(row).query(String.class).single();
    }

    /** HMAC-SHA256 as a Standard Webhooks receiver computes it: the secret's base64 after whsec_ is the key. */
    private static String hmac(String secret, String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }
}
