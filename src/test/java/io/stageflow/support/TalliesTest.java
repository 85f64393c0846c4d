package io.stageflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tallies are exact whatever the fold does: totals read the ledger and the hourly totals together, and a period's
 * totals its whole months' and other days' totals; two folds at once count nothing twice; a tally whose transaction is still open when a fold runs is not counted before it
 * commits, and neither lost nor counted twice after.
 */
class TalliesTest extends IntegrationTest {

    private static final Instant NINE = Instant.parse("2030-01-02T09:00:00Z");
    private static final java.time.LocalDate DAY_OF_NINE = java.time.LocalDate.parse("2030-01-02");

    @Autowired
    Tallies tallies;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void totalsPerTallyAndPerHourAreTheSameBeforeAndAfterTheFold() {
        String subject = subject();
        Tallies.Tally sent = new Tallies.Tally("test", subject, 1, "Step", "SENT");
        Tallies.Tally opened = new Tallies.Tally("test", subject, 1, "Step", "OPENED");
        add(sent, NINE.plusSeconds(60), 3);
        add(sent, NINE.plusSeconds(3_700), 2); // the next hour
        add(opened, NINE.plusSeconds(120), 1);
        add(new Tallies.Tally("test", subject, 2, "Step", "SENT"), NINE.plusSeconds(60), 4);

        for (int round = 0; round < 2; round++) {
            assertThat(tallies.totals("test", subject, 1, NINE, NINE.plusSeconds(7_200), false))
                    .extracting(total -> total.tally().figure(), Tallies.Total::amount)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("SENT", 5L),
                            org.assertj.core.groups.Tuple.tuple("OPENED", 1L));
            assertThat(tallies.totals("test", subject, 1, NINE, NINE.plusSeconds(7_200), true))
                    .filteredOn(total -> total.tally().figure().equals("SENT"))
                    .extracting(Tallies.Total::hour, Tallies.Total::amount)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(NINE, 3L),
                            org.assertj.core.groups.Tuple.tuple(NINE.plusSeconds(3_600), 2L));
            assertThat(tallies.totals("test", subject, null, NINE, NINE.plusSeconds(3_600), false))
                    .filteredOn(total -> total.tally().figure().equals("SENT"))
                    .extracting(total -> total.tally().version(), Tallies.Total::amount)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(1, 3L),
                            org.assertj.core.groups.Tuple.tuple(2, 4L));
            tallies.foldAll();
            assertThat(ledgerRows(subject)).as("ledger rows after a fold").isZero();
        }
    }

    @Test
    void aBatchAddsOneLedgerRowPerTallyAndHourWithTheSum() {
        String subject = subject();
        Tallies.Tally opened = new Tallies.Tally("test", subject, 0, "Step", "OPENED");
        Tallies.Tally clicked = new Tallies.Tally("test", subject, 0, "Step", "CLICKED");
        new TransactionTemplate(transactions).executeWithoutResult(status -> tallies.addAll(List.of(
                new Tallies.Addition(opened, NINE.plusSeconds(1), 1),
                new Tallies.Addition(clicked, NINE.plusSeconds(2), 1),
                new Tallies.Addition(opened, NINE.plusSeconds(3), 1),
                new Tallies.Addition(opened, NINE.plusSeconds(3_601), 1), // the next hour
                new Tallies.Addition(opened, NINE.plusSeconds(4), 2),
                new Tallies.Addition(clicked, NINE.plusSeconds(5), 1),
                new Tallies.Addition(clicked, NINE.plusSeconds(6), -2)))); // taken back: nothing to add

        assertThat(ledgerRows(subject)).as("one row per tally and hour").isEqualTo(2);
        assertThat(tallies.totals("test", subject, 0, NINE, NINE.plusSeconds(7_200), true))
                .extracting(total -> total.tally().figure(), Tallies.Total::hour, Tallies.Total::amount)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("OPENED", NINE, 4L),
                        org.assertj.core.groups.Tuple.tuple("OPENED", NINE.plusSeconds(3_600), 1L));
    }

    @Test
    void dailyTotalsByElementPrefixTakeOnlyThatPrefixAndReadWildcardsAsLetters() {
        String journey = "j_" + UUID.randomUUID().toString().substring(0, 8); // '_' is a LIKE wildcard
        String lookalike = "jX" + journey.substring(2);
        add(new Tallies.Tally("test-prefix", "welcome", 0, journey + "/SendA", "SENT"), NINE, 2);
        add(new Tallies.Tally("test-prefix", "reminder", 0, journey + "/SendB", "SENT"), NINE.plusSeconds(4_000), 1);
        add(new Tallies.Tally("test-prefix", "welcome", 0, lookalike + "/SendA", "SENT"), NINE, 7);
        add(new Tallies.Tally("test-prefix", "welcome", 0, journey + "/SendA", "SENT"), NINE.plusSeconds(86_400), 5);

        for (int round = 0; round < 2; round++) {
            assertThat(tallies.dailyTotalsByElementPrefix("test-prefix", journey + "/", DAY_OF_NINE, DAY_OF_NINE))
                    .extracting(total -> total.tally().subject(), total -> total.tally().element(),
                            Tallies.DayTotal::amount)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("welcome", journey + "/SendA", 2L),
                            org.assertj.core.groups.Tuple.tuple("reminder", journey + "/SendB", 1L));
            tallies.foldAll();
        }
    }

    @Test
    void dailyTotalsAreTheSameFromTheLedgerTheDailyTotalsAndAfterARebuild() {
        String subject = subject();
        Tallies.Tally sent = new Tallies.Tally("test-daily", subject, 0, "Step", "SENT");
        Instant lateOnTheSecond = Instant.parse("2030-01-02T23:00:00Z");
        add(sent, lateOnTheSecond.plusSeconds(1_800), 3); // 2 January (UTC, the tests' report zone)
        add(sent, lateOnTheSecond.plusSeconds(3_600), 2); // 3 January
        add(sent, lateOnTheSecond.plusSeconds(3 * 86_400), 4); // 5 January: outside the days asked for

        java.time.LocalDate second = java.time.LocalDate.parse("2030-01-02");
        java.time.LocalDate third = java.time.LocalDate.parse("2030-01-03");
        for (String state : List.of("in the ledger", "folded", "while the days are in another zone", "rebuilt")) {
            if (state.equals("while the days are in another zone")) {
                jdbc.sql("update sf_tally_fold_lock set day_zone = 'Pacific/Kiritimati'").update();
            }
            assertThat(tallies.dailyTotals("test-daily", subject, null, second, third.plusDays(1)))
                    .as(state)
                    .extracting(Tallies.DayTotal::day, Tallies.DayTotal::amount)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(second, 3L),
                            org.assertj.core.groups.Tuple.tuple(third, 2L));
            if (!state.equals("rebuilt")) {
                tallies.foldAll();
            }
            if (state.equals("while the days are in another zone")) {
                tallies.foldOnce(); // the fold rebuilds the daily totals in the reports' zone, whatever the ledger holds
                assertThat(jdbc.sql("select day_zone from sf_tally_fold_lock").query(String.class).single())
                        .isEqualTo("UTC");
            }
        }
        assertThat(jdbc.sql("select sum(amount) from sf_tally_daily where series = 'test-daily' and subject = ?")
                .param(subject).query(Long.class).single()).isEqualTo(9);
    }

    @Test
    void periodTotalsAreTheSameFromTheLedgerTheMonthlyAndDailyTotalsAndAfterARebuild() {
        String subject = subject();
        Tallies.Tally sent = new Tallies.Tally("test-period", subject, 0, "Step", "SENT");
        add(sent, Instant.parse("2031-01-09T23:59:00Z"), 64); // the day before the first period
        add(sent, Instant.parse("2031-01-14T10:00:00Z"), 1); // a day of January
        add(sent, Instant.parse("2031-01-31T23:30:00Z"), 2); // January's last hour
        add(sent, Instant.parse("2031-02-01T00:00:00Z"), 4); // February's first hour
        add(sent, Instant.parse("2031-03-15T12:00:00Z"), 8); // March
        add(sent, Instant.parse("2031-04-05T23:00:00Z"), 16); // a day of April
        add(sent, Instant.parse("2031-04-06T00:00:00Z"), 32); // the day after the first period

        // Whole months, days before and after them, within one month, one day, and months only.
        java.util.Map<String, Long> expected = new java.util.LinkedHashMap<>();
        expected.put("2031-01-10/2031-04-06", 31L);
        expected.put("2031-02-01/2031-04-01", 12L);
        expected.put("2031-01-31/2031-02-01", 2L);
        expected.put("2031-01-05/2031-01-20", 65L);
        expected.put("2031-02-01/2031-03-01", 4L);
        expected.put("2031-01-01/2031-05-01", 127L);
        expected.put("2031-01-15/2031-04-06", 30L);
        for (String state : List.of("in the ledger", "folded", "while the days are in another zone", "rebuilt")) {
            if (state.equals("while the days are in another zone")) {
                jdbc.sql("update sf_tally_fold_lock set day_zone = 'Pacific/Kiritimati'").update();
            }
            expected.forEach((period, total) -> {
                String[] days = period.split("/");
                assertThat(tallies.periodTotals("test-period", subject, null,
                        Instant.parse(days[0] + "T00:00:00Z"), Instant.parse(days[1] + "T00:00:00Z")))
                        .as("%s, %s", state, period)
                        .extracting(Tallies.Total::amount).containsExactly(total);
            });
            if (!state.equals("rebuilt")) {
                tallies.foldAll();
            }
            if (state.equals("while the days are in another zone")) {
                tallies.foldOnce(); // the fold rebuilds the daily and monthly totals in the reports' zone
            }
        }
        assertThat(jdbc.sql("select tally_month, amount from sf_tally_monthly where series = 'test-period'"
                        + " and subject = ? order by tally_month").param(subject)
                .query((rs, n) -> rs.getDate(1).toLocalDate() + "=" + rs.getLong(2)).list())
                .containsExactly("2031-01-01=67", "2031-02-01=4", "2031-03-01=8", "2031-04-01=48");
    }

    @Test
    void twoFoldsAtOnceCountEveryTallyOnce() throws Exception {
        String subject = subject();
        Tallies.Tally tally = new Tallies.Tally("test", subject, 0, "", "SENT");
        int count = 12_000; // more than two batches
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            for (int i = 0; i < count; i++) {
                tallies.add(tally, NINE);
            }
        });
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> folds = List.of(nodes.submit(tallies::foldAll), nodes.submit(tallies::foldAll));
            for (Future<?> fold : folds) {
                fold.get(2, TimeUnit.MINUTES);
            }
        } finally {
            nodes.shutdownNow();
        }
        assertThat(ledgerRows(subject)).isZero();
        assertThat(tallies.totals("test", subject, 0, NINE, NINE.plusSeconds(3_600), false))
                .extracting(Tallies.Total::amount).containsExactly((long) count);
    }

    @Test
    void aTallyStillInItsTransactionIsCountedOnceItCommitsAndNeverLost() throws Exception {
        String subject = subject();
        Tallies.Tally tally = new Tallies.Tally("test", subject, 0, "", "SENT");
        CountDownLatch added = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        ExecutorService folder = Executors.newSingleThreadExecutor();
        try {
            Future<?> open = other.submit(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
                tallies.add(tally, NINE); // the lower id, not committed yet
                added.countDown();
                try {
                    assertThat(commit.await(1, TimeUnit.MINUTES)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(added.await(1, TimeUnit.MINUTES)).isTrue();
            add(tally, NINE, 1);
            assertThat(total(subject)).as("before the open transaction commits").isEqualTo(1);
            // A fold while it is open: H2 folds around it; MariaDB's delete waits for it to commit.
            Future<?> fold = folder.submit(tallies::foldAll);
            commit.countDown();
            open.get(1, TimeUnit.MINUTES);
            fold.get(1, TimeUnit.MINUTES);
        } finally {
            other.shutdownNow();
            folder.shutdownNow();
        }
        assertThat(total(subject)).as("once it has committed").isEqualTo(2);
        tallies.foldAll();
        assertThat(total(subject)).as("folded").isEqualTo(2);
        assertThat(ledgerRows(subject)).isZero();
    }

    private long total(String subject) {
        return tallies.totals("test", subject, null, NINE, NINE.plusSeconds(3_600), false).stream()
                .mapToLong(Tallies.Total::amount).sum();
    }

    private void add(Tallies.Tally tally, Instant at, int times) {
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            for (int i = 0; i < times; i++) {
                tallies.add(tally, at);
            }
        });
    }

    private long ledgerRows(String subject) {
        return jdbc.sql("select count(*) from sf_tally_ledger where subject = ?").param(subject).query(Long.class).single();
    }

    private static String subject() {
        return "tally-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
