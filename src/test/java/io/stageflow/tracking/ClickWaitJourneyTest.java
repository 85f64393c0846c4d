package io.stageflow.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A journey waits for a click, as a marketer would draw it: send an email, then "clicked within 2 days?" (an
 * event-based gateway between an {@code email_clicked} message and a 2-day timer). A person's click of the email's
 * tracked link takes the clicked path; no click takes the other path after 2 days. A segment of customers who
 * clicked in the last 30 days selects the one who clicked.
 */
class ClickWaitJourneyTest extends IntegrationTest {

    private static final String JOURNEY = "click-wait-test";
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/126.0 Safari/537.36";
    private static final Pattern TRACKED = Pattern.compile("href=\"https://stageflow\\.test(/c/[^\"]+)\"");

    @Autowired
    HistoryService history;

    @Autowired
    RepositoryService repositoryService;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void deployTheJourney() {
        repositoryService.createDeployment().name(JOURNEY).enableDuplicateFiltering(true)
                .addModelInstance(JOURNEY + ".bpmn", Bpmn.createExecutableProcess(JOURNEY)
                        .camundaHistoryTimeToLive(1)
                        .startEvent().message("click_wait_started")
                        .serviceTask("SendOffer").camundaAsyncBefore().camundaDelegateExpression("${sendEmail}")
                        .camundaInputParameter("template", "welcome").camundaInputParameter("category", "marketing")
                        .eventBasedGateway().name("Clicked within 2 days?")
                        .intermediateCatchEvent("Clicked").message("email_clicked").endEvent("FollowedUp")
                        .moveToLastGateway()
                        .intermediateCatchEvent("TwoDaysPassed").timerWithDuration("P2D").endEvent("GaveUp")
                        .done())
                .deploy();
    }

    @Test
    void aClickTakesTheClickedPathAndNoClickTheTimeoutAfterTwoDays() throws Exception {
        Instant start = Instant.parse("2040-02-03T09:00:00Z");
        ClockUtil.setCurrentTime(Date.from(start));
        String clicker = customer("clicker");
        String quiet = customer("quiet");
        String link = trackedLink(clicker);
        trackedLink(quiet);

        ClockUtil.setCurrentTime(Date.from(start.plus(Duration.ofMinutes(5))));
        HttpResponse<Void> click = HttpClient.newHttpClient().send(HttpRequest.newBuilder(client().uri(link))
                .header("User-Agent", BROWSER).GET().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(click.statusCode()).isEqualTo(302);
        await().atMost(PATIENCE).until(() -> ended(clicker) != null);
        assertThat(ended(clicker).getEndActivityId()).isEqualTo("FollowedUp");
        assertThat(ended(quiet)).as("still waiting").isNull();

        ClockUtil.setCurrentTime(Date.from(start.plus(Duration.ofDays(2)).plus(Duration.ofMinutes(1))));
        await().atMost(PATIENCE).until(() -> ended(quiet) != null);
        assertThat(ended(quiet).getEndActivityId()).isEqualTo("GaveUp");

        String segment = "clicked-30d-" + run;
        client().post("/api/v1/segments", """
                {"key":"%s","name":"Clicked in the last 30 days","rule":{"all":[
                 {"field":"traits.testRun","op":"eq","value":"%s"},
                 {"field":"events.email_clicked.withinDays","op":"lte","value":30}]}}""".formatted(segment, run))
                .expectStatus(201);
        assertThat(client().get("/api/v1/segments/" + segment + "/preview?limit=10").expectStatus(200).json()
                .path("customers").findValuesAsText("id")).containsExactly(clicker);
    }

    private String customer(String name) {
        String id = name + "-" + run;
        client().putCustomer(id, "{\"email\":\"%s@example.com\",\"traits\":{\"testRun\":\"%s\"}}".formatted(id, run))
                .expectStatus(201);
        client().postEvents("{\"messageId\":\"start-%1$s\",\"type\":\"click_wait_started\",\"customerId\":\"%1$s\"}"
                .formatted(id)).expectStatus(202);
        return id;
    }

    private String trackedLink(String customer) throws Exception {
        String html = MimeParts.of(awaitMail(customer + "@example.com", 1).get(0)).html();
        awaitSettled(customer);
        Matcher link = TRACKED.matcher(html);
        assertThat(link.find()).as("a tracked link").isTrue();
        return link.group(1);
    }

    private HistoricProcessInstance ended(String customer) {
        return history.createHistoricProcessInstanceQuery().processDefinitionKey(JOURNEY)
                .processInstanceBusinessKey(customer).finished().singleResult();
    }
}
