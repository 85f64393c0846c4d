package io.stageflow.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import io.stageflow.support.DatabaseTimestamps;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;
import io.stageflow.tracking.EngagementHistory;

import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An experiment end to end, over real HTTP and SMTP: a journey whose split sends one variant's email to each of its
 * customers and nothing to the holdout; orders end journeys at their goal and count in the right arm, with their
 * revenue; the auto-winner decides once a variant has won, and every new entrant outside the holdout then gets the
 * winner's email.
 */
class ExperimentEndToEndTest extends IntegrationTest {

    private static final Pattern OPEN_PIXEL = Pattern.compile("src=\"https://stageflow\\.test(/o/[^\"]+)\"");
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/126.0 Safari/537.36";
    private static final Map<String, String> TEMPLATES = Map.of("Welcome", "welcome", "Reminder", "welcome-reminder");

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    ExperimentStore store;

    @Autowired
    ExperimentAssignments assignments;

    @Autowired
    DatabaseTimestamps timestamps;

    @Autowired
    ObjectMapper json;

    @Autowired
    Clock clock;

    @Autowired
    EngagementHistory engagements;

    @Test
    void eachVariantGetsItsCopyTheHoldoutNothingOrdersCountInTheirArmAndTheWinnerTakesNewEntrants() throws Exception {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String experiment = "experiment-demo-" + run;
        String started = "experiment_demo_started_" + run;
        deployDemo(run, experiment, started);

        List<String> first = customers(run, "a", 40);
        first.forEach(this::awaitSettled);
        Map<String, String> paths = paths(experiment);
        assertThat(paths).hasSize(40);
        List<String> holdout = inPath(paths, "Holdout");
        List<String> welcome = inPath(paths, "Welcome");
        List<String> reminder = inPath(paths, "Reminder");
        assertThat(holdout).as("a 20% holdout of 40").isNotEmpty();
        assertThat(welcome).isNotEmpty();
        assertThat(reminder).isNotEmpty();
        for (String customer : first) {
            String path = paths.get(customer);
            if (path.equals("Holdout")) {
                continue;
            }
            awaitMail(email(customer), 1);
            assertThat(templatesSentTo(customer)).as("what %s on path %s got", customer, path)
                    .containsExactly(TEMPLATES.get(path));
        }
        for (String customer : holdout) {
            assertThat(templatesSentTo(customer)).as("the holdout's %s got nothing", customer).isEmpty();
            assertThat(mailTo(email(customer))).isEmpty();
        }

        // A person opens one Welcome email, after the window in which an open counts as a machine's.
        String html = MimeParts.of(mailTo(email(welcome.get(0))).get(0)).html();
        Matcher pixel = OPEN_PIXEL.matcher(html);
        assertThat(pixel.find()).as("the open pixel of %s", html).isTrue();
        advanceClock(Duration.ofMinutes(5));
        HttpResponse<Void> open = HttpClient.newHttpClient().send(HttpRequest.newBuilder(client().uri(pixel.group(1)))
                .header("User-Agent", BROWSER).GET().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(open.statusCode()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> engagement(experiment).get("Welcome").get("opened").asLong() == 1);
        Map<String, JsonNode> engaged = engagement(experiment);
        assertThat(engaged.get("Welcome").get("clicked").asLong()).isZero();
        assertThat(engaged.get("Reminder").get("opened").asLong()).isZero();
        assertThat(engaged.get("Holdout").get("opened").asLong()).isZero();
        assertThat(engaged.get("Welcome").get("openRate").asDouble()).isEqualTo(1.0 / welcome.size());

        // Every Welcome customer orders (for 30.00), and one customer of the holdout; nobody on Reminder.
        List<String> buyers = new ArrayList<>(welcome);
        buyers.add(holdout.get(0));
        client().postEvents(buyers.stream().map(customer -> ("{\"messageId\":\"order-%1$s\",\"type\":\"order_completed\","
                + "\"customerId\":\"%1$s\",\"properties\":{\"orderId\":\"o-%1$s\",\"total\":30.00,\"currency\":\"USD\"}}")
                .formatted(customer)).collect(Collectors.joining(",", "[", "]"))).expectStatus(202);
        buyers.forEach(this::awaitSettled);

        JsonNode results = client().get("/api/v1/experiments/" + experiment).expectStatus(200).json();
        assertThat(results.at("/experiment/status").asText()).isEqualTo("RUNNING");
        assertThat(results.at("/experiment/variants").toString()).isEqualTo("[\"Welcome\",\"Reminder\"]");
        Map<String, JsonNode> arms = arms(results);
        assertThat(arms.keySet()).containsExactly("Welcome", "Reminder", "Holdout");
        assertThat(arms.get("Welcome").get("entered").asLong()).isEqualTo(welcome.size());
        assertThat(arms.get("Welcome").get("conversions").asLong()).isEqualTo(welcome.size());
        assertThat(arms.get("Reminder").get("conversions").asLong()).isZero();
        assertThat(arms.get("Holdout").get("entered").asLong()).isEqualTo(holdout.size());
        assertThat(arms.get("Holdout").get("conversions").asLong()).isEqualTo(1);
        assertThat(arms.get("Welcome").get("revenuePerRecipient").decimalValue()).isEqualByComparingTo("30.00");
        assertThat(arms.get("Holdout").get("revenuePerRecipient").decimalValue())
                .isEqualByComparingTo(new java.math.BigDecimal("30").divide(java.math.BigDecimal.valueOf(holdout.size()),
                        4, java.math.RoundingMode.HALF_EVEN));
        assertThat(arms.get("Welcome").at("/comparison/against").asText()).isEqualTo("Holdout");
        assertThat(results.at("/verdict/decided").asBoolean())
                .as("not with the default minimum of 1,000 entrants an arm").isFalse();

        // The auto-winner with a minimum this test can reach: Welcome has won.
        ExperimentResults smallMinimum = new ExperimentResults(jdbc, timestamps, store, assignments,
                ExperimentSettings.with(Map.of("minimum-sample-per-arm", String.valueOf(
                        Math.min(welcome.size(), reminder.size())), "mixing-standard-deviation", "0.3")), json, clock,
                engagements);
        assertThat(smallMinimum.decideWinner(experiment)).isTrue();
        JsonNode decided = client().get("/api/v1/experiments/" + experiment).expectStatus(200).json();
        assertThat(decided.at("/experiment/status").asText()).isEqualTo("DECIDED");
        assertThat(decided.at("/experiment/winner").asText()).isEqualTo("Welcome");
        JsonNode decision = json.readTree(decided.at("/experiment/decision").asText());
        assertThat(decision.at("/how").asText()).isEqualTo("auto-winner");
        assertThat(decision.at("/verdict/winner").asText()).isEqualTo("Welcome");

        // New entrants: everyone outside the holdout takes the winner.
        List<String> later = customers(run, "b", 20);
        later.forEach(this::awaitSettled);
        Map<String, String> laterPaths = paths(experiment);
        for (String customer : later) {
            String path = laterPaths.get(customer);
            assertThat(path).as("the path of %s, who entered after the decision", customer).isIn("Welcome", "Holdout");
            if (path.equals("Welcome")) {
                awaitMail(email(customer), 1);
                assertThat(templatesSentTo(customer)).containsExactly("welcome");
            } else {
                assertThat(templatesSentTo(customer)).isEmpty();
            }
        }
        assertThat(later.stream().filter(customer -> laterPaths.get(customer).equals("Welcome")).count())
                .isGreaterThan(0);

        // The journeys still waiting for an order would wake whenever a later test moves the clock a week on.
        runtimeService.createProcessInstanceQuery().processDefinitionKey("experiment-demo-" + run).list()
                .forEach(instance -> runtimeService.deleteProcessInstance(instance.getId(), "end of the test"));
    }

    private void deployDemo(String run, String experiment, String started) throws IOException {
        try (InputStream file = getClass().getResourceAsStream("/journeys/experiment-demo.bpmn")) {
            String bpmn = new String(file.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("\"experiment-demo-first-email\"", "\"" + experiment + "\"")
                    .replace("name=\"experiment_demo_started\"", "name=\"" + started + "\"")
                    .replace("id=\"experiment-demo\"", "id=\"experiment-demo-" + run + "\"");
            repositoryService.createDeployment().addString("experiment-demo-" + run + ".bpmn", bpmn).deploy();
        }
    }

    /** Creates {@code count} customers and starts the journey for each of them with one batch of events. */
    private List<String> customers(String run, String batch, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "x-" + run + "-" + batch + i;
            client().putCustomer(id, "{\"email\":\"" + email(id) + "\",\"firstName\":\"Ada\",\"timeZone\":\"UTC\"}")
                    .expectStatus(201);
            ids.add(id);
        }
        client().postEvents(ids.stream().map(id -> ("{\"messageId\":\"start-%1$s\",\"type\":\"experiment_demo_started_%2$s\","
                + "\"customerId\":\"%1$s\"}").formatted(id, run)).collect(Collectors.joining(",", "[", "]")))
                .expectStatus(202);
        return ids;
    }

    private Map<String, String> paths(String experiment) {
        return jdbc.sql("select customer_id, variant from sf_experiment_entry where experiment_key = ?")
                .param(experiment).query((rs, row) -> Map.entry(rs.getString(1), rs.getString(2))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static List<String> inPath(Map<String, String> paths, String path) {
        return paths.entrySet().stream().filter(entry -> entry.getValue().equals(path)).map(Map.Entry::getKey)
                .sorted().toList();
    }

    private List<String> templatesSentTo(String customer) {
        return jdbc.sql("select template_key from sf_outbox where customer_id = ? and status = 'SENT'")
                .param(customer).query(String.class).list();
    }

    private Map<String, JsonNode> engagement(String experiment) {
        Map<String, JsonNode> arms = new java.util.LinkedHashMap<>();
        client().get("/api/v1/experiments/" + experiment).expectStatus(200).json().get("engagement")
                .forEach(arm -> arms.put(arm.get("arm").asText(), arm));
        return arms;
    }

    private static Map<String, JsonNode> arms(JsonNode results) {
        Map<String, JsonNode> arms = new java.util.LinkedHashMap<>();
        StreamSupport.stream(results.at("/verdict/arms").spliterator(), false)
                .forEach(arm -> arms.put(arm.get("name").asText(), arm));
        return arms;
    }

    private static String email(String customer) {
        return customer + "@example.com";
    }
}
