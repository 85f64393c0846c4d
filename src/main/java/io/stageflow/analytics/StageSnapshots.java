package io.stageflow.analytics;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.stageflow.customers.LifecycleStages;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The daily snapshots of customers per stage ({@code sf_stage_snapshot}): once a day in the analytics time zone has
 * ended, the first node to look counts {@code sf_customer} by stage and keeps the counts as that day's. The day's row
 * in {@code sf_stage_snapshot_day} is the claim: it is inserted first, in the same transaction as the counts, so a
 * second node's insert waits for the first and then fails as a duplicate, and it writes nothing. Only the day that
 * has just ended is taken; a day the application was down for entirely stays without a snapshot (the current
 * counts cannot say what they were then), and reports show it as missing.
 */
@Component
class StageSnapshots {

    private static final Logger log = LoggerFactory.getLogger(StageSnapshots.class);

    private final JdbcClient jdbc;
    private final LifecycleStages stages;
    private final AnalyticsProperties settings;
    private final Clock clock;
    private final TransactionTemplate transaction;

    StageSnapshots(JdbcClient jdbc, LifecycleStages stages, AnalyticsProperties settings, Clock clock,
            PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.stages = stages;
        this.settings = settings;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * Takes the snapshot of yesterday (by the injected clock, in the analytics time zone) unless some node has.
     * Always false: there is never more to do at once (the worker's contract).
     */
    boolean takeDue() {
        LocalDate yesterday = LocalDate.ofInstant(clock.instant(), settings.timeZone()).minusDays(1);
        if (!taken(yesterday)) {
            take(yesterday);
        }
        return false;
    }

    /** Counts the customers per stage now as {@code day}'s; false when a snapshot of that day exists already. */
    boolean take(LocalDate day) {
        try {
            transaction.executeWithoutResult(status -> {
                jdbc.sql("insert into sf_stage_snapshot_day (snapshot_day, taken_at) values (?, ?)")
                        .params(Date.valueOf(day), Timestamp.from(clock.instant())).update();
                stages.counts().forEach((stage, customers) -> jdbc.sql(
                                "insert into sf_stage_snapshot (snapshot_day, stage, customers) values (?, ?, ?)")
                        .params(Date.valueOf(day), stage, customers).update());
            });
            log.info("Took the stage snapshot of {}", day);
            return true;
        } catch (DuplicateKeyException e) {
            log.debug("The stage snapshot of {} was taken already", day);
            return false;
        }
    }

    boolean taken(LocalDate day) {
        return jdbc.sql("select count(*) from sf_stage_snapshot_day where snapshot_day = ?").param(Date.valueOf(day))
                .query(Long.class).single() > 0;
    }

    /** The snapshots of the days {@code from} to {@code to}: day, then stage, then customers; days with none absent. */
    Map<LocalDate, Map<String, Long>> between(LocalDate from, LocalDate to) {
        Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
        jdbc.sql("select snapshot_day from sf_stage_snapshot_day where snapshot_day between ? and ?")
                .params(Date.valueOf(from), Date.valueOf(to))
                .query(rs -> {
                    days.put(rs.getDate(1).toLocalDate(), new LinkedHashMap<>());
                });
        jdbc.sql("select snapshot_day, stage, customers from sf_stage_snapshot where snapshot_day between ? and ?"
                        + " order by snapshot_day, stage")
                .params(Date.valueOf(from), Date.valueOf(to))
                .query(rs -> {
                    days.computeIfAbsent(rs.getDate(1).toLocalDate(), day -> new LinkedHashMap<>())
                            .put(rs.getString(2), rs.getLong(3));
                });
        return days;
    }
}
