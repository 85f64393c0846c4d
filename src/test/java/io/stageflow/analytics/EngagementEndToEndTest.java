package io.stageflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stageflow.support.Tallies;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The analytics issue's first acceptance test, end to end over real HTTP and SMTP: a signup's welcome email is
 * opened (the pixel fetched with a browser's user agent) and clicked; the journey report then shows 1 entered, the
 * send step reached once, 1 person's open and 1 click; and an order two days later, inside the click window, is
 * credited to that email with its revenue.
 */
class EngagementEndToEndTest extends IntegrationTest {

    private static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/126.0.0.0 Safari/537.36";

    @Autowired
    Tallies tallies;

    @Test
    void aWelcomeEmailOpenedAndClickedShowsInTheJourneyReportAndEarnsTheOrder() throws Exception {
        Instant signup = Instant.parse("2039-09-01T09:00:00Z"); // no other test runs journeys on these days
        ClockUtil.setCurrentTime(Date.from(signup));
        String id = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Ada");
        String html = MimeParts.of(awaitMail(id + "@example.com", 1).get(0)).html();
        awaitSettled(id);

        ClockUtil.setCurrentTime(Date.from(signup.plus(Duration.ofMinutes(30))));
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        assertThat(fetch(http, path(html, "src=\"https://stageflow\\.test(/o/[^\"]+)\"")).statusCode()).isEqualTo(200);
        HttpResponse<Void> click = fetch(http, path(html, "href=\"https://stageflow\\.test(/c/[^\"]+)\""));
        assertThat(click.statusCode()).isEqualTo(302);
        assertThat(click.headers().firstValue("Location")).hasValue("https://shop.example.com");
        awaitSettled(id);

        ClockUtil.setCurrentTime(Date.from(signup.plus(Duration.ofDays(2))));
        client().postEvents("""
                {"messageId":"e2e-order-%1$s","type":"order_completed","customerId":"%1$s",
                 "properties":{"orderId":"e2e-%1$s","total":80.00,"currency":"EUR"}}""".formatted(id))
                .expectStatus(202);
        awaitSettled(id);
        tallies.foldAll();

        JsonNode journey = client().get("/api/v1/analytics/journeys/welcome?from=2039-09-01&to=2039-09-03")
                .expectStatus(200).json();
        assertThat(journey.path("entered").asLong()).isEqualTo(1);
        JsonNode send = null;
        for (JsonNode step : journey.path("steps")) {
            if (step.path("id").asText().equals("SendWelcomeEmail")) {
                send = step;
            }
        }
        assertThat(send).as("the send step in " + journey).isNotNull();
        assertThat(send.path("reached").asLong()).isEqualTo(1);
        // Only the welcome step: moving the clock on fires other tests' reminders in the same days.
        JsonNode emails = null;
        for (JsonNode sent : journey.path("emails")) {
            if (sent.path("step").asText().equals("SendWelcomeEmail")) {
                assertThat(sent.path("template").asText()).isEqualTo("welcome");
                emails = sent.path("figures");
            }
        }
        assertThat(emails).as("the welcome step's emails in " + journey).isNotNull();
        assertThat(emails.path("sent").asLong()).isEqualTo(1);
        assertThat(emails.path("uniqueOpens").asLong()).isEqualTo(1);
        assertThat(emails.path("uniqueMachineOpens").asLong()).isZero();
        assertThat(emails.path("uniqueClicks").asLong()).isEqualTo(1);

        JsonNode revenue = client().get("/api/v1/analytics/revenue?from=2039-09-01&to=2039-09-03&journey=welcome")
                .expectStatus(200).json();
        JsonNode credited = revenue.at("/journeys/0/steps/0");
        assertThat(credited.path("step").asText()).isEqualTo("SendWelcomeEmail");
        assertThat(credited.path("template").asText()).isEqualTo("welcome");
        assertThat(credited.at("/totals/0/currency").asText()).isEqualTo("EUR");
        assertThat(credited.at("/totals/0/orders").asLong()).isEqualTo(1);
        assertThat(credited.at("/totals/0/revenue").decimalValue()).isEqualByComparingTo("80.00");
        assertThat(credited.at("/totals/0/ordersByRule/clicked").asLong()).as("credited for the click").isEqualTo(1);
    }

    private static String path(String html, String regex) {
        Matcher found = Pattern.compile(regex).matcher(html);
        assertThat(found.find()).as(regex).isTrue();
        return found.group(1);
    }

    private HttpResponse<Void> fetch(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(client().uri(path)).header("User-Agent", BROWSER).GET().build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
