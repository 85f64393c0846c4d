package io.stageflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import io.stageflow.support.Tallies;
import io.stageflow.testing.IntegrationTest;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Orders and survey answers routed before the order ledger and the survey scores existed are added once from the
 * stored events. The test routes a few events of 2035 (a year no other test uses), then takes away what the ledgers
 * recorded for them, as if they had been routed by an older release, and lets the backfill run, twice.
 */
class LedgerBackfillTest extends IntegrationTest {

    @Autowired
    LedgerBackfill backfill;

    @Autowired
    Tallies tallies;

    @Test
    void eventsRoutedBeforeTheLedgersAreAddedOnce() {
        ClockUtil.setCurrentTime(Date.from(Instant.parse("2035-09-15T12:00:00Z")));
        advanceClock(Duration.ZERO); // a running clock: an event held for a journey is retried a moment later
        String run = UUID.randomUUID().toString().substring(0, 8);
        String x = "bf-x-" + run;
        String y = "bf-y-" + run;
        String z = "bf-z-" + run; // answers a survey; in no journey, so the answer is routed at once
        String survey = "bf-" + run;
        for (String id : List.of(x, y, z)) {
            client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
        }
        client().postEvents("""
                [{"messageId":"bf-x1-%1$s","type":"order_completed","customerId":"%1$s","timestamp":"2035-03-10T10:00:00Z",
                  "properties":{"orderId":"x1","total":10,"currency":"EUR"}},
                 {"messageId":"bf-x2-%1$s","type":"order_completed","customerId":"%1$s","timestamp":"2035-05-01T10:00:00Z",
                  "properties":{"orderId":"x2","total":"5.00","currency":"EUR"}},
                 {"messageId":"bf-y1-%2$s","type":"order_completed","customerId":"%2$s","timestamp":"2035-04-02T10:00:00Z",
                  "properties":{"orderId":"y1","total":20,"currency":"USD"}},
                 {"messageId":"bf-z1-%4$s","type":"survey_answered","customerId":"%4$s","timestamp":"2035-04-03T10:00:00Z",
                  "properties":{"survey":"%3$s","score":9}}]""".formatted(x, y, survey, z)).expectStatus(202);
        awaitSettled(x);
        awaitSettled(y);
        awaitSettled(z);

        forgetWhatTheLedgersRecorded(List.of(x, y, z), survey);
        assertThat(client().get("/api/v1/analytics/cohorts?from=2035-01-01&to=2035-09-30").expectStatus(200).json()
                .path("cohorts")).isEmpty();

        for (int pass = 0; pass < 2; pass++) { // the second pass finds everything recorded and adds nothing
            jdbc.sql("delete from sf_analytics_backfill").update();
            jdbc.sql("insert into sf_analytics_backfill (name, after_event_id) values ('orders', 0)").update();
            jdbc.sql("insert into sf_analytics_backfill (name, after_event_id) values ('survey-scores', 0)").update();
            while (backfill.backfillOnce()) {
                // the next batch
            }
        }

        JsonNode cohorts = client().get("/api/v1/analytics/cohorts?from=2035-01-01&to=2035-09-30").expectStatus(200)
                .json();
        assertThat(cohorts.path("cohorts")).hasSize(2);
        // March: X, who ordered again in May. April: Y. The last full month is August.
        assertThat(cohorts.at("/cohorts/0/cohort").asText()).isEqualTo("2035-03");
        assertThat(cohorts.at("/cohorts/0/customers").asLong()).isEqualTo(1);
        assertThat(cohorts.at("/cohorts/0/months")).hasSize(6);
        assertThat(cohorts.at("/cohorts/0/months/2/month").asText()).isEqualTo("2035-05");
        assertThat(cohorts.at("/cohorts/0/months/2/customers").asLong()).isEqualTo(1);
        assertThat(cohorts.at("/cohorts/0/months/1/customers").asLong()).isZero();
        assertThat(cohorts.at("/cohorts/1/cohort").asText()).isEqualTo("2035-04");
        assertThat(cohorts.at("/cohorts/1/customers").asLong()).isEqualTo(1);
        assertThat(cohorts.at("/cohorts/1/months")).hasSize(5);

        JsonNode value = client().get("/api/v1/analytics/lifetime-value?from=2035-03-01&to=2035-04-30")
                .expectStatus(200).json();
        assertThat(value.at("/cohorts/0/values")).hasSize(1);
        assertThat(value.at("/cohorts/0/values/0/currency").asText()).isEqualTo("EUR");
        assertThat(value.at("/cohorts/0/values/0/orders").asLong()).isEqualTo(2);
        assertThat(value.at("/cohorts/0/values/0/revenue").decimalValue()).isEqualByComparingTo("15.00");
        assertThat(value.at("/cohorts/1/values/0/currency").asText()).isEqualTo("USD");
        assertThat(value.at("/cohorts/1/values/0/revenue").decimalValue()).isEqualByComparingTo("20.00");

        for (String query : List.of("&survey=" + survey, "")) {
            JsonNode nps = client().get("/api/v1/analytics/nps?from=2035-04-01&to=2035-04-30" + query)
                    .expectStatus(200).json();
            assertThat(nps.at("/total/answers").asLong()).isEqualTo(1);
            assertThat(nps.at("/total/promoters").asLong()).isEqualTo(1);
            assertThat(nps.at("/total/nps").decimalValue()).isEqualByComparingTo("100.0");
        }
        assertThat(jdbc.sql("select count(*) from sf_analytics_backfill").query(Long.class).single()).isZero();
    }

    private void forgetWhatTheLedgersRecorded(List<String> customers, String survey) {
        for (String table : List.of("sf_order", "sf_order_month", "sf_order_customer", "sf_survey_score")) {
            jdbc.sql("delete from " + table + " where customer_id in (:customers)").param("customers", customers)
                    .update();
        }
        tallies.foldAll();
        for (String table : List.of("sf_tally_ledger", "sf_tally_hourly")) {
            jdbc.sql("delete from " + table + " where series = 'cohort' and subject like '2035-%'").update();
            jdbc.sql("delete from " + table + " where series = 'nps' and subject = ?").param(survey).update();
            jdbc.sql("delete from " + table + " where series = 'nps-all' and hour_utc >= ? and hour_utc < ?")
                    .params(Timestamp.from(Instant.parse("2035-01-01T00:00:00Z")),
                            Timestamp.from(Instant.parse("2036-01-01T00:00:00Z"))).update();
        }
        // The daily and monthly totals the fold keeps beside the hourly ones.
        jdbc.sql("delete from sf_tally_daily where series = 'cohort' and subject like '2035-%'").update();
        jdbc.sql("delete from sf_tally_daily where series = 'nps' and subject = ?").param(survey).update();
        jdbc.sql("delete from sf_tally_daily where series = 'nps-all' and tally_day >= ? and tally_day < ?")
                .params(java.sql.Date.valueOf("2035-01-01"), java.sql.Date.valueOf("2036-01-01")).update();
        // And the monthly ones.
        jdbc.sql("delete from sf_tally_monthly where series = 'cohort' and subject like '2035-%'").update();
        jdbc.sql("delete from sf_tally_monthly where series = 'nps' and subject = ?").param(survey).update();
        jdbc.sql("delete from sf_tally_monthly where series = 'nps-all' and tally_month >= ? and tally_month < ?")
                .params(java.sql.Date.valueOf("2035-01-01"), java.sql.Date.valueOf("2036-01-01")).update();
    }
}
