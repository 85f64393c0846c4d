package io.stageflow.customers;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import io.stageflow.testing.IntegrationTest;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The median time in stage found through the roll-up ({@link StageTimes}) is exactly the one found by sorting every
 * move, over real HTTP, on H2 and MariaDB: for odd and even counts, several moves in one slice, slices whose moves
 * were counted before the roll-up had parts, and periods that cut the moves; and moves recorded before the roll-up
 * are counted once by {@link StageTimesBackfill}. Instants are in 2042 (moves) and 2043 (backfill), which no other
 * test uses.
 */
class StageTimesRollUpTest extends IntegrationTest {

    @Autowired
    LifecycleStages stages;

    @Autowired
    StageTimesBackfill backfill;

    @Autowired
    io.stageflow.support.Tallies tallies;

    /** Times in stage (seconds) of the moves out of RETENTION, one a day from 2042-01-01 at noon. */
    private static final long[] TIMES = {30, 59, 60, 61, 90_000, 90_001, 90_001, 90_002, 90_003, 90_005, 90_004,
            3_600, 7_200, 1_000_000, 86_400, 86_399, 172_800, 34_560_000, 120, 119, 5, 90_000, 90_010, 604_800,
            2_592_000, 90_007, 90_006, 43_200, 1, 0, 31_536_000, 90_008, 86_401, 500_000, 500_001};

    @Test
    void theMedianThroughTheRollUpIsTheMedianOfTheSortedMoves() {
        Instant first = Instant.parse("2042-01-01T12:00:00Z");
        for (int i = 0; i < TIMES.length; i++) {
            Instant at = first.plus(Duration.ofDays(i));
            String id = customer("RETENTION", at.minusSeconds(TIMES[i]));
            ClockUtil.setCurrentTime(Date.from(at));
            assertThat(stages.moveTo(id, "EXPANSION", "test", null)).isTrue();
        }
        ClockUtil.reset();
        assertMediansAreThoseOfTheSortedMoves(first);

        // Moves counted before the roll-up had parts (here, those of the first two weeks) have none: a slice whose
        // parts do not add up to it is read whole, and every median is still exact.
        tallies.foldAll(); // all of them folded first, so that no fold adds to the totals changed below meanwhile
        Timestamp twoWeeksIn = Timestamp.from(Instant.parse("2042-01-15T00:00:00Z"));
        for (String table : List.of("sf_tally_ledger", "sf_tally_hourly")) {
            jdbc.sql("delete from " + table + " where series = ? and hour_utc < ? and hour_utc >= ?")
                    .params(StageTimes.PART_SERIES, twoWeeksIn, Timestamp.from(first.minus(Duration.ofDays(1))))
                    .update();
        }
        jdbc.sql("delete from sf_tally_daily where series = ? and tally_day < ? and tally_day >= ?")
                .params(StageTimes.PART_SERIES, java.sql.Date.valueOf("2042-01-15"),
                        java.sql.Date.valueOf("2041-12-31"))
                .update();
        // January's monthly part totals, then, are those of its days from the 15th on.
        jdbc.sql("delete from sf_tally_monthly where series = ? and tally_month = ?")
                .params(StageTimes.PART_SERIES, java.sql.Date.valueOf("2042-01-01")).update();
        jdbc.sql("insert into sf_tally_monthly (series, subject, tally_month, version, element, figure, amount)"
                        + " select series, subject, ?, version, element, figure, sum(amount) from sf_tally_daily"
                        + " where series = ? and tally_day >= ? and tally_day < ?"
                        + " group by series, subject, version, element, figure")
                .params(java.sql.Date.valueOf("2042-01-01"), StageTimes.PART_SERIES,
                        java.sql.Date.valueOf("2042-01-15"), java.sql.Date.valueOf("2042-02-01"))
                .update();
        assertMediansAreThoseOfTheSortedMoves(first);
    }

    private void assertMediansAreThoseOfTheSortedMoves(Instant first) {
        // Whole period (35 moves, odd), January (31, odd), 1 to 10 February (the rest: 4, even), 5 to 20 January.
        for (String[] period : new String[][] {{"2042-01-01", "2042-12-31"}, {"2042-01-01", "2042-01-31"},
                {"2042-02-01", "2042-02-10"}, {"2042-01-05", "2042-01-20"}, {"2042-01-05", "2042-01-10"}}) {
            List<Long> inPeriod = new ArrayList<>();
            for (int i = 0; i < TIMES.length; i++) {
                String day = first.plus(Duration.ofDays(i)).toString().substring(0, 10);
                if (day.compareTo(period[0]) >= 0 && day.compareTo(period[1]) <= 0) {
                    inPeriod.add(TIMES[i]);
                }
            }
            inPeriod.sort(null);
            int n = inPeriod.size();
            double expected = (inPeriod.get((n - 1) / 2) + inPeriod.get(n / 2)) / 2.0;
            JsonNode retention = retention(period[0], period[1]);
            assertThat(retention.path("moves").asLong()).as("moves %s", (Object) period).isEqualTo(n);
            assertThat(retention.path("medianSeconds").asDouble()).as("median %s", (Object) period)
                    .isEqualTo(expected);
        }
        assertThat(retention("2042-01-01", "2042-12-31").path("medianSeconds").asDouble()).isEqualTo(90_001.0);
    }

    @Test
    void movesRecordedBeforeTheRollUpAreCountedOnceByTheBackfill() {
        Instant first = Instant.parse("2043-03-01T08:30:00Z");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(change("RETENTION", first.plus(Duration.ofHours(7L * i)), 1_000L * i * i));
        }
        ids.add(change("RETENTION", first, null)); // time unknown: not counted
        ids.add(change(null, first, null)); // no stage left: not counted
        jdbc.sql("delete from sf_stage_time_backfill").update();
        jdbc.sql("insert into sf_stage_time_backfill (next_id, until_id) values (?, ?)")
                .params(ids.get(0), ids.get(ids.size() - 1)).update();
        assertThat(retention("2043-03-01", "2043-03-31").path("moves").asLong()).isZero();

        int batches = 0;
        while (backfill.backfillOnce()) {
            batches++;
        }
        assertThat(batches).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from sf_stage_time_backfill").query(Long.class).single()).isZero();
        assertThat(backfill.backfillOnce()).isFalse();

        JsonNode retention = retention("2043-03-01", "2043-03-31");
        assertThat(retention.path("moves").asLong()).isEqualTo(25);
        assertThat(retention.path("medianSeconds").asDouble()).isEqualTo(144_000.0); // 1,000 · 12², the 13th of 25
        // The first 6 moves (7 h apart from 08:30) are on 1 and 2 March: 0, 1,000, 4,000, 9,000, 16,000, 25,000 s.
        JsonNode firstDays = retention("2043-03-01", "2043-03-02");
        assertThat(firstDays.path("moves").asLong()).isEqualTo(6);
        assertThat(firstDays.path("medianSeconds").asDouble()).isEqualTo(6_500.0);
    }

    private JsonNode retention(String from, String to) {
        JsonNode times = client().get("/api/v1/analytics/stages/time-in-stage?from=" + from + "&to=" + to)
                .expectStatus(200).json();
        for (JsonNode stage : times.path("stages")) {
            if (stage.path("stage").asText().equals("RETENTION")) {
                return stage;
            }
        }
        throw new AssertionError("no RETENTION in " + times);
    }

    private long change(String fromStage, Instant at, Long seconds) {
        String customer = customer("ADVOCACY", null);
        jdbc.sql("""
                insert into sf_stage_change (customer_id, from_stage, to_stage, changed_at, cause, from_stage_seconds)
                values (?, ?, 'ADVOCACY', ?, 'before the roll-up', ?)""")
                .params(customer, fromStage, Timestamp.from(at), seconds).update();
        return jdbc.sql("select max(id) from sf_stage_change where customer_id = ?").param(customer)
                .query(Long.class).single();
    }

    private String customer(String stage, Instant since) {
        return customerInStage("stt-", stage, since);
    }
}
