package io.stageflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/analytics/messages} over real HTTP and SMTP: two signups on one day, one of whom declined marketing
 * email, are two welcome emails queued, one sent and one suppressed (declined), counted for the welcome template and
 * the step that sent it, for the period and for the day; the next day has none.
 */
class MessageAnalyticsApiTest extends IntegrationTest {

    private static final Instant DAY = Instant.parse("2033-04-05T00:00:00Z"); // no other test sends on this day

    @Test
    void welcomeEmailsOfADayPerTemplateAndStep() {
        ClockUtil.setCurrentTime(Date.from(DAY.plus(Duration.ofHours(10))));
        String glad = "msg-" + UUID.randomUUID().toString().substring(0, 8);
        String declined = "msg-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(glad, glad + "@example.com", "Ada");
        client().putCustomer(declined, "{\"email\":\"" + declined + "@example.com\",\"marketingConsent\":false}")
                .expectStatus(201);
        client().postEvents("{\"messageId\":\"signup-%1$s\",\"type\":\"signed_up\",\"customerId\":\"%1$s\"}"
                .formatted(declined)).expectStatus(202);
        awaitMail(glad + "@example.com", 1);
        awaitSettled(glad);
        awaitSettled(declined);
        String path = "/api/v1/analytics/messages?from=2033-04-05&to=2033-04-05&template=welcome";
        await().atMost(PATIENCE).until(() -> client().get(path).expectStatus(200).json()
                .at("/messages/0/totals/suppressed").asLong() == 1);

        JsonNode report = client().get(path).expectStatus(200).json();

        assertThat(report.path("messages")).hasSize(1);
        JsonNode welcome = report.path("messages").get(0);
        assertThat(welcome.path("template").asText()).isEqualTo("welcome");
        assertThat(welcome.path("sender").asText()).isEqualTo("welcome/SendWelcomeEmail");
        JsonNode totals = welcome.path("totals");
        assertThat(totals.path("queued").asLong()).isEqualTo(2);
        assertThat(totals.path("sent").asLong()).isEqualTo(1);
        assertThat(totals.path("suppressed").asLong()).isEqualTo(1);
        assertThat(totals.path("suppressedByReason").path("declined").asLong()).isEqualTo(1);
        assertThat(totals.path("bounced").asLong()).isZero();
        assertThat(totals.path("clickThroughRate").asDouble()).isZero();
        assertThat(welcome.path("days")).hasSize(1);
        assertThat(welcome.at("/days/0/day").asText()).isEqualTo("2033-04-05");
        assertThat(welcome.at("/days/0/figures/sent").asLong()).isEqualTo(1);

        assertThat(client().get("/api/v1/analytics/messages?from=2033-04-06&to=2033-04-06&template=welcome")
                .expectStatus(200).json().path("messages")).isEmpty();

        StageflowClient.Response csv = client().send(HttpRequest.newBuilder(client().uri(path))
                .header("Accept", "text/csv").GET(), true).expectStatus(200);
        assertThat(csv.body().split("\r\n")).containsExactly(
                "day,template,sender,queued,sent,deferred,suppressed,bounced,soft_bounced,failed,skipped,outcome_unknown,"
                        + "unique_opens,unique_machine_opens,unique_clicks,unsubscribed,complained",
                "2033-04-05,welcome,welcome/SendWelcomeEmail,2,1,0,1,0,0,0,0,0,0,0,0,0,0");
    }

    @Test
    void aBadPeriodIsRefusedNamingTheField() {
        JsonNode errors = client().get("/api/v1/analytics/messages?from=2033-04-05").expectStatus(400).json()
                .path("errors");
        assertThat(errors.findValuesAsText("field")).containsExactly("to");
    }
}
