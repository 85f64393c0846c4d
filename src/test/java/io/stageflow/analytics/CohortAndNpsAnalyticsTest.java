package io.stageflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;

/**
 * Retention cohorts, lifetime value and NPS on a fixed data set with answers worked out by hand, over real HTTP: the
 * events are posted to the event API and routed, and the reports read what the order ledger and the survey scores
 * recorded. Orders and answers are in 2036, which no other test uses; "today" is 2036-06-15 (UTC, the default
 * reporting zone), so the last full month is 2036-05.
 */
class CohortAndNpsAnalyticsTest extends IntegrationTest {

    private static final Instant TODAY = Instant.parse("2036-06-15T12:00:00Z");

    @Test
    void cohortsLifetimeValueAndNpsOfAFixedDataSet() {
        ClockUtil.setCurrentTime(Date.from(TODAY));
        advanceClock(Duration.ZERO); // a running clock: an event held for a journey is retried a moment later
        String run = UUID.randomUUID().toString().substring(0, 8);
        String a = "coh-a-" + run;
        String b = "coh-b-" + run;
        String c = "coh-c-" + run;
        String d = "coh-d-" + run;
        String e = "coh-e-" + run;
        String f = "coh-f-" + run;
        for (String id : List.of(a, b, c, d, e, f)) {
            client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
        }
        // Jan cohort: A, B, C and (after its late order) D. Feb cohort: E. Mar cohort: F.
        order(a, "a1", "2036-01-10T09:00:00Z", "10.00", "EUR");
        order(a, "a2", "2036-02-05T09:00:00Z", "20", "EUR");
        order(a, "a2", "2036-02-05T09:00:00Z", "20", "EUR"); // the same event delivered again: counted once
        post(a, "a2-again", "a2", "2036-02-05T09:00:00Z", "20", "EUR"); // a second event for order a2: once
        order(a, "a3", "2036-04-20T09:00:00Z", "5.50", "EUR");
        order(b, "b1", "2036-01-25T09:00:00Z", "100", "USD");
        order(b, "b2", "2036-03-03T09:00:00Z", "7.25", "eur");
        order(c, "c1", "2036-01-31T23:30:00Z", "50", "USD");
        order(d, "d1", "2036-02-14T09:00:00Z", "30", "USD");
        order(e, "e1", "2036-02-01T00:00:00Z", "40", null); // no currency: the default, USD
        order(e, "e2", "2036-02-20T09:00:00Z", "10", "USD");
        order(e, "e3", "2036-05-02T09:00:00Z", "5", "USD");
        order(f, "f1", "2036-03-15T09:00:00Z", "99.99", "EUR");
        for (String id : List.of(a, b, c, d, e, f)) {
            awaitSettled(id);
        }
        order(d, "d0", "2036-01-20T09:00:00Z", "12.34", "USD"); // arrives last, happened first: D moves to January
        awaitSettled(d);

        JsonNode cohorts = client().get("/api/v1/analytics/cohorts?from=2036-01-01&to=2036-06-30").expectStatus(200)
                .json();
        assertThat(cohorts.path("timeZone").asText()).isEqualTo("UTC");
        assertThat(cohorts.path("lastFullMonth").asText()).isEqualTo("2036-05");
        assertThat(cohorts.path("cohorts")).hasSize(3); // June has no first orders
        // January: A, B, C, D = 4. Feb: A, D = 2 (0.5); Mar: B = 1 (0.25); Apr: A = 1 (0.25); May: none.
        assertCohort(cohorts.path("cohorts").get(0), "2036-01", 4,
                "0 2036-01 4 1.0000", "1 2036-02 2 0.5000", "2 2036-03 1 0.2500", "3 2036-04 1 0.2500",
                "4 2036-05 0 0.0000");
        // February: E = 1 (its two February orders count once). Mar, Apr: none; May: E.
        assertCohort(cohorts.path("cohorts").get(1), "2036-02", 1,
                "0 2036-02 1 1.0000", "1 2036-03 0 0.0000", "2 2036-04 0 0.0000", "3 2036-05 1 1.0000");
        assertCohort(cohorts.path("cohorts").get(2), "2036-03", 1,
                "0 2036-03 1 1.0000", "1 2036-04 0 0.0000", "2 2036-05 0 0.0000");

        JsonNode february = client().get("/api/v1/analytics/cohorts?from=2036-02-01&to=2036-02-29")
                .expectStatus(200).json();
        assertThat(february.path("cohorts")).hasSize(1);
        assertThat(february.at("/cohorts/0/cohort").asText()).isEqualTo("2036-02");

        assertThat(csv("/api/v1/analytics/cohorts?from=2036-02-01&to=2036-03-31")).containsExactly(
                "cohort,customers,month_number,month,ordered,share",
                "2036-02,1,0,2036-02,1,1.0000", "2036-02,1,1,2036-03,0,0.0000", "2036-02,1,2,2036-04,0,0.0000",
                "2036-02,1,3,2036-05,1,1.0000",
                "2036-03,1,0,2036-03,1,1.0000", "2036-03,1,1,2036-04,0,0.0000", "2036-03,1,2,2036-05,0,0.0000");

        JsonNode value = client().get("/api/v1/analytics/lifetime-value?from=2036-01-01&to=2036-06-30")
                .expectStatus(200).json();
        assertThat(value.path("cohorts")).hasSize(3);
        // January, 4 customers. EUR: A 10.00 + 20.00 + 5.50, B 7.25 = 42.75 in 4 orders; 42.75 / 4 = 10.6875 -> 10.69.
        // USD: B 100.00, C 50.00, D 30.00 + 12.34 = 192.34 in 4 orders; 192.34 / 4 = 48.085 -> 48.09. Never summed.
        assertValues(value.path("cohorts").get(0), "2036-01", 4, "EUR 4 42.75 10.69", "USD 4 192.34 48.09");
        // February, E: 40.00 + 10.00 + 5.00 = 55.00 USD in 3 orders.
        assertValues(value.path("cohorts").get(1), "2036-02", 1, "USD 3 55.00 55.00");
        assertValues(value.path("cohorts").get(2), "2036-03", 1, "EUR 1 99.99 99.99");
        assertThat(csv("/api/v1/analytics/lifetime-value?from=2036-01-01&to=2036-01-31")).containsExactly(
                "cohort,customers,currency,orders,revenue,revenue_per_customer",
                "2036-01,4,EUR,4,42.75,10.69", "2036-01,4,USD,4,192.34,48.09");

        JsonNode export = client().get("/api/v1/customers/" + b + "/export").expectStatus(200).json();
        assertThat(export.at("/ordersAndScores/cohort").asText()).isEqualTo("2036-01");
        assertThat(export.at("/ordersAndScores/orders")).hasSize(2);
        assertThat(export.at("/ordersAndScores/orders/1/currency").asText()).isEqualTo("EUR");
        assertThat(export.at("/ordersAndScores/orders/1/total").decimalValue()).isEqualByComparingTo("7.25");

        // Erasing C removes C's rows; the cohort's figures stay.
        client().delete("/api/v1/customers/" + c).expectStatus(204);
        assertThat(jdbc.sql("select count(*) from sf_order where customer_id = ?").param(c).query(Long.class)
                .single()).isZero();
        JsonNode afterErasure = client().get("/api/v1/analytics/cohorts?from=2036-01-01&to=2036-01-31")
                .expectStatus(200).json();
        assertThat(afterErasure.at("/cohorts/0/customers").asLong()).isEqualTo(4);
    }

    @Test
    void npsCountsEveryAnswerOnceAndOnlyScoresFromZeroToTen() {
        ClockUtil.setCurrentTime(Date.from(TODAY));
        advanceClock(Duration.ZERO); // a running clock: an event held for a journey is retried a moment later
        String run = UUID.randomUUID().toString().substring(0, 8);
        String survey = "nps-" + run;
        List<String> customers = List.of("nps-a-" + run, "nps-b-" + run, "nps-c-" + run);
        for (String id : customers) {
            client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
        }
        // March: 10, 9 promoters; 8, 7 passives; 6, 0 detractors. April: 10, 10 promoters; 3 a detractor.
        List<String> answers = new ArrayList<>();
        String[][] given = {{"2036-03-02", "10"}, {"2036-03-05", "9"}, {"2036-03-09", "8"}, {"2036-03-20", "6"},
                {"2036-03-31", "0"}, {"2036-03-31", "7"}, {"2036-04-01", "10"}, {"2036-04-15", "10"},
                {"2036-04-30", "3"}};
        for (int i = 0; i < given.length; i++) {
            answers.add(answer(customers.get(i % 3), "ans-" + i + "-" + run, given[i][0] + "T10:00:00Z", survey,
                    given[i][1]));
        }
        answers.add(answer(customers.get(0), "ans-0-" + run, "2036-03-02T10:00:00Z", survey, "10")); // again: once
        answers.add(answer(customers.get(1), "ans-x-" + run, "2036-04-02T10:00:00Z", survey, "11")); // not a score
        answers.add(answer(customers.get(2), "ans-o-" + run, "2036-04-03T10:00:00Z", "other-" + run, "0"));
        for (String answer : answers) {
            client().postEvents(answer).expectStatus(202);
        }
        customers.forEach(this::awaitSettled);

        JsonNode nps = client().get("/api/v1/analytics/nps?from=2036-03-01&to=2036-05-31&survey=" + survey)
                .expectStatus(200).json();
        assertThat(nps.path("survey").asText()).isEqualTo(survey);
        // 9 answers: 4 promoters, 2 passives, 3 detractors; (4 - 3) / 9 = 11.11 % -> 11.1.
        assertNps(nps.path("total"), 9, 4, 2, 3, "11.1");
        assertThat(nps.path("months")).hasSize(3);
        assertThat(nps.at("/months/0/month").asText()).isEqualTo("2036-03");
        assertNps(nps.at("/months/0/nps"), 6, 2, 2, 2, "0.0"); // (2 - 2) / 6
        assertNps(nps.at("/months/1/nps"), 3, 2, 0, 1, "33.3"); // (2 - 1) / 3 = 33.33 %
        assertNps(nps.at("/months/2/nps"), 0, 0, 0, 0, null); // May: no answers, no score

        // Every survey: the other survey's 0 in April adds a detractor: 10 answers, 4 - 4 = 0.0; April (2 - 2) / 4.
        JsonNode all = client().get("/api/v1/analytics/nps?from=2036-03-01&to=2036-04-30").expectStatus(200).json();
        assertNps(all.path("total"), 10, 4, 2, 4, "0.0");
        assertNps(all.at("/months/1/nps"), 4, 2, 0, 2, "0.0");

        // Part of a month: 2036-04-02 to 2036-04-30 leaves one promoter (04-15) and one detractor (the other
        // survey's 0 on 04-03, the 3 on 04-30) -> 1 promoter, 2 detractors: (1 - 2) / 3 = -33.33 % -> -33.3.
        assertThat(csv("/api/v1/analytics/nps?from=2036-04-02&to=2036-04-30")).containsExactly(
                "month,answers,promoters,passives,detractors,nps",
                "2036-04,3,1,0,2,-33.3",
                "total,3,1,0,2,-33.3");

        JsonNode export = client().get("/api/v1/customers/" + customers.get(0) + "/export").expectStatus(200).json();
        assertThat(export.at("/ordersAndScores/surveyScores")).hasSize(3); // answers 0, 3 and 6
        assertThat(export.at("/ordersAndScores/surveyScores/0/score").asInt()).isEqualTo(10);
    }

    @Test
    void aBadPeriodIsRefusedNamingTheField() {
        for (String path : List.of("/api/v1/analytics/cohorts?from=2036-13-01&to=2036-12-31",
                "/api/v1/analytics/lifetime-value?from=2036-01-01&to=soon",
                "/api/v1/analytics/nps?from=2036-01-01")) {
            StageflowClient.Response refused = client().get(path).expectStatus(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.body()).contains(path.contains("13-01") ? "\"from\"" : "\"to\"");
        }
    }

    private void order(String customer, String order, String at, String total, String currency) {
        post(customer, "order-" + order + "-" + customer, order, at, total, currency);
    }

    private void post(String customer, String messageId, String order, String at, String total, String currency) {
        client().postEvents("""
                {"messageId":"%s","type":"order_completed","customerId":"%s","timestamp":"%s",
                 "properties":{"orderId":"%s","total":"%s"%s}}""".formatted(messageId, customer, at,
                order + "-" + customer, total, currency == null ? "" : ",\"currency\":\"" + currency + "\""))
                .expectStatus(202);
    }

    private static String answer(String customer, String messageId, String at, String survey, String score) {
        return """
                {"messageId":"%s","type":"survey_answered","customerId":"%s","timestamp":"%s",
                 "properties":{"survey":"%s","score":%s}}""".formatted(messageId, customer, at, survey, score);
    }

    private List<String> csv(String path) {
        StageflowClient.Response csv = client().send(HttpRequest.newBuilder(client().uri(path))
                .header("Accept", "text/csv").GET(), true).expectStatus(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        return List.of(csv.body().split("\r\n"));
    }

    private static void assertCohort(JsonNode cohort, String month, long customers, String... months) {
        assertThat(cohort.path("cohort").asText()).isEqualTo(month);
        assertThat(cohort.path("customers").asLong()).isEqualTo(customers);
        List<String> actual = new ArrayList<>();
        cohort.path("months").forEach(m -> actual.add(m.path("monthNumber").asText() + " " + m.path("month").asText()
                + " " + m.path("customers").asText() + " " + m.path("share").decimalValue().setScale(4).toPlainString()));
        assertThat(actual).containsExactly(months);
    }

    private static void assertValues(JsonNode cohort, String month, long customers, String... values) {
        assertThat(cohort.path("cohort").asText()).isEqualTo(month);
        assertThat(cohort.path("customers").asLong()).isEqualTo(customers);
        List<String> actual = new ArrayList<>();
        cohort.path("values").forEach(v -> actual.add(v.path("currency").asText() + " " + v.path("orders").asText()
                + " " + v.path("revenue").decimalValue().setScale(2).toPlainString() + " "
                + v.path("revenuePerCustomer").decimalValue().setScale(2).toPlainString()));
        assertThat(actual).containsExactly(values);
    }

    private static void assertNps(JsonNode nps, long answers, long promoters, long passives, long detractors,
            String score) {
        assertThat(List.of(nps.path("answers").asLong(), nps.path("promoters").asLong(),
                nps.path("passives").asLong(), nps.path("detractors").asLong()))
                .containsExactly(answers, promoters, passives, detractors);
        if (score == null) {
            assertThat(nps.path("nps").isMissingNode() || nps.path("nps").isNull()).isTrue();
        } else {
            assertThat(nps.path("nps").decimalValue().setScale(1).toPlainString()).isEqualTo(score);
        }
    }
}
