package io.stageflow.customers;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.support.Tallies;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL over the lifecycle columns of {@code sf_customer} and the history in {@code sf_stage_change}. */
@Repository
class StageStore {

    private static final String SELECT =
            "select stage, stage_since, order_count, order_total, last_order_at from sf_customer where id = ?";

    private final JdbcClient jdbc;
    private final Tallies tallies;

    StageStore(JdbcClient jdbc, Tallies tallies) {
        this.jdbc = jdbc;
        this.tallies = tallies;
    }

    /** Stage and orders, read under the customer's row lock so concurrent rules apply one after the other. */
    Optional<Lifecycle> lockAndRead(String customerId) {
        return jdbc.sql(SELECT + " for update").param(customerId).query(StageStore::lifecycle).optional();
    }

    Optional<Lifecycle> read(String customerId) {
        return jdbc.sql(SELECT).param(customerId).query(StageStore::lifecycle).optional();
    }

    private static Lifecycle lifecycle(ResultSet rs, int row) throws SQLException {
        return new Lifecycle(rs.getString("stage"), instant(rs.getTimestamp("stage_since")),
                new OrderStats(rs.getInt("order_count"), rs.getBigDecimal("order_total"),
                        instant(rs.getTimestamp("last_order_at"))));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    void recordOrder(String customerId, BigDecimal amount, Instant at) {
        jdbc.sql("""
                update sf_customer set order_count = order_count + 1, order_total = order_total + ?,
                       last_order_at = case when last_order_at is null or last_order_at < ? then ? else last_order_at end
                where id = ?""")
                .params(amount, Timestamp.from(at), Timestamp.from(at), customerId).update();
    }

    /**
     * Moves the customer (whose row the caller has locked) and records the move, with how long they had been in the
     * stage they leave (from their {@code stage_since}; null when unknown), and counts it in the flow tallies
     * ({@link LifecycleStages#FLOW_SERIES}) and, when the time is known, in the time-in-stage roll-up
     * ({@link StageTimes}) in the same transaction. Flows are tallies rather than a query of
     * {@code sf_stage_change} so that a year's Sankey chart sums hourly totals (a few per pair of stages and hour)
     * instead of every move of the year.
     */
    void changeStage(String customerId, StageChange change) {
        Instant since = jdbc.sql("select stage_since from sf_customer where id = ?").param(customerId)
                .query((rs, row) -> instant(rs.getTimestamp(1))).optional().orElse(null);
        Long secondsInStage = since == null ? null
                : Math.max(0, Duration.between(since, change.changedAt()).toSeconds());
        jdbc.sql("update sf_customer set stage = ?, stage_since = ? where id = ?")
                .params(change.toStage(), Timestamp.from(change.changedAt()), customerId).update();
        jdbc.sql("""
                insert into sf_stage_change (customer_id, from_stage, to_stage, changed_at, cause, reference,
                                             from_stage_seconds)
                values (?, ?, ?, ?, ?, ?, ?)""")
                .params(customerId, change.fromStage(), change.toStage(), Timestamp.from(change.changedAt()),
                        truncate(change.cause(), 300), truncate(change.reference(), 190), secondsInStage)
                .update();
        List<Tallies.Addition> counted = new ArrayList<>();
        counted.add(new Tallies.Addition(LifecycleStages.flow(change.fromStage(), change.toStage()),
                change.changedAt(), 1));
        if (change.fromStage() != null && secondsInStage != null) {
            counted.addAll(StageTimes.tallies(change.fromStage(), secondsInStage, change.changedAt(), 1));
        }
        tallies.addAll(counted);
    }

    List<StageChange> history(String customerId) {
        return jdbc.sql("select * from sf_stage_change where customer_id = ? order by id").param(customerId)
                .query((rs, row) -> new StageChange(rs.getString("from_stage"), rs.getString("to_stage"),
                        rs.getTimestamp("changed_at").toInstant(), rs.getString("cause"), rs.getString("reference")))
                .list();
    }

    /** How many customers are in each stage that has any. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("select stage, count(*) from sf_customer group by stage")
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    /** Erasure: the history stays for the reports, under an id that no longer leads to the person. */
    void anonymiseHistory(String customerId, String anonymousId) {
        jdbc.sql("update sf_stage_change set customer_id = ? where customer_id = ?").params(anonymousId, customerId)
                .update();
    }

    void deleteHistory(String customerId) {
        jdbc.sql("delete from sf_stage_change where customer_id = ?").param(customerId).update();
    }

    /** An alias folded {@code fromId} into a new profile {@code intoId}: the stage and its history go along. */
    void moveLifecycle(String fromId, String intoId) {
        read(fromId).ifPresent(from -> jdbc.sql("""
                update sf_customer set stage = ?, stage_since = ?, order_count = ?, order_total = ?, last_order_at = ?
                where id = ?""")
                .params(from.stage(), from.since() == null ? null : Timestamp.from(from.since()), from.orders().count(),
                        from.orders().total(), from.orders().lastOrderAt() == null ? null
                                : Timestamp.from(from.orders().lastOrderAt()), intoId)
                .update());
        jdbc.sql("update sf_stage_change set customer_id = ? where customer_id = ?").params(intoId, fromId).update();
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    /** A customer's place in the lifecycle. */
    record Lifecycle(String stage, Instant since, OrderStats orders) {
    }
}
