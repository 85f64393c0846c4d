package io.stageflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;

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
 * {@code /api/v1/analytics/journeys/{journey}} over real HTTP: a signup who orders is one entry and one conversion of
 * the welcome journey on its day, as JSON and as CSV; a bad period or version is a 400 naming the field; an unknown
 * journey a 404.
 */
class JourneyAnalyticsApiTest extends IntegrationTest {

    @Test
    void aDayOfTheWelcomeJourneyAsJsonAndCsv() {
        Instant day = Instant.parse("2032-02-03T00:00:00Z"); // a day no other test's journeys run on
        ClockUtil.setCurrentTime(Date.from(day.plus(Duration.ofHours(8))));
        String id = "api-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Ada");
        awaitSettled(id);
        ClockUtil.setCurrentTime(Date.from(day.plus(Duration.ofHours(9))));
        client().postEvents("""
                {"messageId":"order-%1$s","type":"order_completed","customerId":"%1$s","properties":{"orderId":"o-1","total":12}}"""
                .formatted(id)).expectStatus(202);
        awaitSettled(id);

        JsonNode report = client().get("/api/v1/analytics/journeys/welcome?from=2032-02-03&to=2032-02-03")
                .expectStatus(200).json();

        assertThat(report.path("journey").asText()).isEqualTo("welcome");
        assertThat(report.path("from").asText()).isEqualTo("2032-02-03");
        assertThat(report.path("timeZone").asText()).isEqualTo("UTC");
        assertThat(report.path("entered").asLong()).isEqualTo(1);
        assertThat(report.path("converted").asLong()).isEqualTo(1);
        assertThat(report.path("conversionRate").asDouble()).isEqualTo(1.0);
        assertThat(report.path("medianTimeToConvert").asText()).isEqualTo("PT1H");
        assertThat(report.path("medianSecondsToConvert").asDouble()).isEqualTo(3600.0);
        assertThat(report.path("steps").findValuesAsText("id")).as(report.toString()).contains("SendWelcomeEmail");
        assertThat(report.path("steps").findValues("reached")).extracting(JsonNode::asLong).contains(1L).doesNotContain(2L);
        assertThat(report.path("exits").findValuesAsText("id")).contains("Converted", "NotConverted");
        assertThat(report.path("emails")).as("the send steps' emails").hasSize(1);
        assertThat(report.at("/emails/0/step").asText()).isEqualTo("SendWelcomeEmail");
        assertThat(report.at("/emails/0/template").asText()).isEqualTo("welcome");
        assertThat(report.at("/emails/0/figures/queued").asLong()).isEqualTo(1);
        assertThat(report.at("/emails/0/figures/sent").asLong()).isEqualTo(1);

        StageflowClient.Response csv = client().send(HttpRequest.newBuilder(client().uri(
                "/api/v1/analytics/journeys/welcome?from=2032-02-03&to=2032-02-03")).header("Accept", "text/csv").GET(),
                true).expectStatus(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("kind,id,name,reached_or_entered,completed_or_converted,waiting_now,"
                + "ended_or_cancelled");
        assertThat(lines[1]).isEqualTo("journey,,,1,1,,0");
        assertThat(lines).contains("goal,Converted,Converted,,,,1");
    }

    @Test
    void aBadPeriodOrVersionIsRefusedNamingTheField() {
        assertField("/api/v1/analytics/journeys/welcome?to=2026-01-31", "from", "is required");
        assertField("/api/v1/analytics/journeys/welcome?from=2026-13-01&to=2026-12-31", "from", "is not a date");
        assertField("/api/v1/analytics/journeys/welcome?from=2026-02-01&to=2026-01-31", "to", "is before from");
        assertField("/api/v1/analytics/journeys/welcome?from=2025-01-01&to=2026-12-31", "to", "longer than 366 days");
        assertField("/api/v1/analytics/journeys/welcome?from=2026-01-01&to=2026-01-31&version=latest", "version",
                "is not a journey version");
        StageflowClient.Response unknown = client().get(
                "/api/v1/analytics/journeys/no-such-journey?from=2026-01-01&to=2026-01-31").expectStatus(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        client().get("/api/v1/analytics/journeys/welcome?from=2026-01-01&to=2026-01-31&version=999").expectStatus(404);
    }

    private void assertField(String path, String field, String message) {
        StageflowClient.Response response = client().get(path).expectStatus(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode errors = response.json().path("errors");
        assertThat(errors.findValuesAsText("field")).as(path).containsExactly(field);
        assertThat(errors.get(0).path("message").asText()).as(path).contains(message);
    }
}
