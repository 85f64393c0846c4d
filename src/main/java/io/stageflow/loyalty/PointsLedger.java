package io.stageflow.loyalty;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.support.DatabaseTimestamps;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * {@code sf_loyalty_points}, {@code sf_loyalty_account} and {@code sf_loyalty_tier_change}. Each method runs in the
 * caller's transaction; {@link Loyalty} locks the customer's account row before it writes their ledger.
 */
@Repository
class PointsLedger {

    /** What a ledger row is. */
    enum Kind {
        EARNED_ORDER, REFUNDED_ORDER, BONUS, REDEEMED, EXPIRED, ADJUSTED
    }

    private final JdbcClient jdbc;
    private final DatabaseTimestamps timestamps;

    PointsLedger(JdbcClient jdbc, DatabaseTimestamps timestamps) {
        this.jdbc = jdbc;
        this.timestamps = timestamps;
    }

    /** The customer's account, locked until the transaction ends; empty when they have none yet. */
    Optional<Account> lockAccount(String customerId) {
        return jdbc.sql("select * from sf_loyalty_account where customer_id = ? for update").param(customerId)
                .query(PointsLedger::account).optional();
    }

    Optional<Account> account(String customerId) {
        return jdbc.sql("select * from sf_loyalty_account where customer_id = ?").param(customerId)
                .query(PointsLedger::account).optional();
    }

    /** The accounts of these customers that have one, with one read. */
    Map<String, Account> accounts(Collection<String> customerIds) {
        Map<String, Account> accounts = new HashMap<>();
        if (!customerIds.isEmpty()) {
            jdbc.sql("select * from sf_loyalty_account where customer_id in (:ids)").param("ids", customerIds)
                    .query(PointsLedger::account).list().forEach(account -> accounts.put(account.customerId(), account));
        }
        return accounts;
    }

    void createAccount(String customerId, String tier, Instant now) {
        jdbc.sql("""
                insert into sf_loyalty_account (customer_id, balance, tier, tier_since, updated_at)
                values (?, 0, ?, ?, ?)""").params(customerId, tier, timestamps.of(now), timestamps.of(now)).update();
    }

    void addToBalance(String customerId, int points, Instant now) {
        jdbc.sql("update sf_loyalty_account set balance = balance + ?, updated_at = ? where customer_id = ?")
                .params(points, timestamps.of(now), customerId).update();
    }

    void setTier(String customerId, String tier, Instant now) {
        jdbc.sql("update sf_loyalty_account set tier = ?, tier_since = ?, updated_at = ? where customer_id = ?")
                .params(tier, timestamps.of(now), timestamps.of(now), customerId).update();
    }

    void setExpiredUntil(String customerId, Instant until) {
        jdbc.sql("update sf_loyalty_account set expired_until = ? where customer_id = ?")
                .params(timestamps.of(until), customerId).update();
    }

    Optional<Entry> find(String customerId, Kind kind, String causeId) {
        return jdbc.sql("select * from sf_loyalty_points where customer_id = ? and kind = ? and cause_id = ?")
                .params(customerId, kind.name(), causeId).query(PointsLedger::entry).optional();
    }

    /** Stores the row; its id. */
    long insert(Entry entry) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                insert into sf_loyalty_points (customer_id, kind, points, requested_points, cause_type, cause_id,
                                               order_id, message_id, amount, currency, reason, occurred_at, expires_at,
                                               recorded_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(entry.customerId(), entry.kind().name(), entry.points(), entry.requestedPoints(),
                        entry.causeType(), entry.causeId(), entry.orderId(), entry.messageId(), entry.amount(),
                        entry.currency(), entry.reason(), timestamps.of(entry.occurredAt()),
                        entry.expiresAt() == null ? null : timestamps.of(entry.expiresAt()),
                        timestamps.of(entry.recordedAt()))
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    /** The rows of the customer's order: what it earned, and what refunds took back. */
    List<Entry> ofOrder(String customerId, String orderId) {
        return jdbc.sql("select * from sf_loyalty_points where customer_id = ? and order_id = ? order by id")
                .params(customerId, orderId).query(PointsLedger::entry).list();
    }

    /**
     * What expiry needs of the customer's ledger, summed by the database rather than read row by row: the earned and
     * bonus points expired by {@code now} less what their own orders' refunds took back, the latest time of those, and
     * every debit that takes the oldest points first (redeemed, expired, taken by hand).
     */
    ExpirySums expirySums(String customerId, Instant now) {
        Object at = timestamps.of(now);
        ExpirySums sums = jdbc.sql("""
                select coalesce(sum(case when kind in ('EARNED_ORDER', 'BONUS') and expires_at <= :now
                                         then points else 0 end), 0) as due,
                       max(case when kind in ('EARNED_ORDER', 'BONUS') and expires_at <= :now
                                then expires_at end) as due_until,
                       coalesce(sum(case when points < 0 and kind <> 'REFUNDED_ORDER' then -points else 0 end), 0)
                           as debits
                from sf_loyalty_points where customer_id = :customer""")
                .param("now", at).param("customer", customerId)
                .query((rs, n) -> {
                    Timestamp until = rs.getTimestamp("due_until");
                    return new ExpirySums(rs.getLong("due"), until == null ? null : until.toInstant(),
                            rs.getLong("debits"));
                }).single();
        if (sums.dueUntil() == null) {
            return sums;
        }
        long refunded = jdbc.sql("""
                select coalesce(sum(r.points), 0) from sf_loyalty_points r
                where r.customer_id = :customer and r.kind = 'REFUNDED_ORDER' and r.order_id in (
                    select e.order_id from sf_loyalty_points e
                    where e.customer_id = :customer and e.kind = 'EARNED_ORDER' and e.expires_at <= :now)""")
                .param("now", at).param("customer", customerId).query(Long.class).single();
        return new ExpirySums(sums.due() + refunded, sums.dueUntil(), sums.debits());
    }

    /** See {@link #expirySums}: {@code due} is net of the expired orders' own refunds. */
    record ExpirySums(long due, Instant dueUntil, long debits) {
    }

    /** All the customer's rows, oldest first. */
    List<Entry> ofCustomer(String customerId) {
        return jdbc.sql("select * from sf_loyalty_points where customer_id = ? order by id").param(customerId)
                .query(PointsLedger::entry).list();
    }

    /** A page of the customer's rows, newest first. */
    List<Entry> page(String customerId, int page, int size) {
        return jdbc.sql("select * from sf_loyalty_points where customer_id = ? order by id desc limit ? offset ?")
                .params(customerId, size, page * size).query(PointsLedger::entry).list();
    }

    long count(String customerId) {
        return jdbc.sql("select count(*) from sf_loyalty_points where customer_id = ?").param(customerId)
                .query(Long.class).single();
    }

    /**
     * The points that count toward a tier, of rows since {@code since}: earned and bonus points, less what refunds
     * asked to take back (whether or not the balance still held it).
     */
    long windowPoints(String customerId, Instant since) {
        return windowPoints(List.of(customerId), since).getOrDefault(customerId, 0L);
    }

    /** {@link #windowPoints(String, Instant)} of several customers with one read; customers without rows left out. */
    Map<String, Long> windowPoints(Collection<String> customerIds, Instant since) {
        Map<String, Long> points = new HashMap<>();
        if (!customerIds.isEmpty()) {
            jdbc.sql("""
                    select customer_id, sum(case when kind = 'REFUNDED_ORDER' then -requested_points else points end) as p
                    from sf_loyalty_points
                    where customer_id in (:ids) and occurred_at > :since and kind in ('EARNED_ORDER', 'BONUS', 'REFUNDED_ORDER')
                    group by customer_id""")
                    .param("ids", customerIds).param("since", timestamps.of(since))
                    .query((rs, n) -> points.put(rs.getString(1), Math.max(0, rs.getLong(2)))).list();
        }
        return points;
    }

    /**
     * What the customer's orders since {@code since} came to, by currency, less what was refunded of them (each refund
     * counted when it happened).
     */
    Map<String, BigDecimal> windowSpend(String customerId, Instant since) {
        Map<String, BigDecimal> spend = new java.util.TreeMap<>();
        jdbc.sql("""
                select currency, sum(case when kind = 'EARNED_ORDER' then amount else -amount end) from sf_loyalty_points
                where customer_id = ? and occurred_at > ? and kind in ('EARNED_ORDER', 'REFUNDED_ORDER')
                  and amount is not null and currency is not null
                group by currency""")
                .params(customerId, timestamps.of(since))
                .query((rs, n) -> spend.put(rs.getString(1), rs.getBigDecimal(2).max(BigDecimal.ZERO))).list();
        return spend;
    }

    /** Customers with earned or bonus points that expired by {@code now} and have not been taken out yet. */
    List<String> customersWithPointsDue(Instant now, int limit) {
        return jdbc.sql("""
                select distinct p.customer_id from sf_loyalty_points p
                join sf_loyalty_account a on a.customer_id = p.customer_id
                where p.expires_at <= :now and (a.expired_until is null or p.expires_at > a.expired_until)
                order by p.customer_id limit :limit""")
                .param("now", timestamps.of(now)).param("limit", limit).query(String.class).list();
    }

    /** Customers after {@code after} (by id) in a tier other than {@code lowest}: those the window may move down. */
    List<String> customersAbove(String lowest, String after, int limit) {
        return jdbc.sql("""
                select customer_id from sf_loyalty_account where tier <> :lowest and customer_id > :after
                order by customer_id limit :limit""")
                .param("lowest", lowest).param("after", after).param("limit", limit).query(String.class).list();
    }

    /**
     * Customers after {@code after} (by id) with a row whose time is in {@code (from, to]}: rows that left the tier
     * window when its start moved from {@code from} to {@code to}. Only those whose tier it may change: earned and
     * bonus rows of customers above {@code lowest} (fewer window points), refunds of anyone (more window points).
     */
    List<String> customersLeavingWindow(String lowest, Instant from, Instant to, String after, int limit) {
        return jdbc.sql("""
                select distinct p.customer_id from sf_loyalty_points p
                join sf_loyalty_account a on a.customer_id = p.customer_id
                where p.occurred_at > :from and p.occurred_at <= :to and p.customer_id > :after
                  and (p.kind = 'REFUNDED_ORDER' or (p.kind in ('EARNED_ORDER', 'BONUS') and a.tier <> :lowest))
                order by p.customer_id limit :limit""")
                .param("from", timestamps.of(from)).param("to", timestamps.of(to)).param("after", after)
                .param("lowest", lowest).param("limit", limit).query(String.class).list();
    }

    void insertTierChange(String customerId, String from, String to, long windowPoints, String cause, Instant at) {
        jdbc.sql("""
                insert into sf_loyalty_tier_change (customer_id, from_tier, to_tier, window_points, cause, changed_at)
                values (?, ?, ?, ?, ?, ?)""")
                .params(customerId, from, to, windowPoints, cause, timestamps.of(at)).update();
    }

    List<TierChange> tierChanges(String customerId) {
        return jdbc.sql("select * from sf_loyalty_tier_change where customer_id = ? order by id").param(customerId)
                .query((rs, n) -> new TierChange(rs.getString("from_tier"), rs.getString("to_tier"),
                        rs.getLong("window_points"), rs.getString("cause"),
                        rs.getTimestamp("changed_at").toInstant())).list();
    }

    /**
     * Moves {@code fromId}'s ledger rows and tier changes to {@code intoId}. A row whose cause {@code intoId} has a row
     * of the same kind for already (the same order seen under both profiles) is dropped: the one kept is
     * {@code intoId}'s. The account of {@code fromId} is deleted; the caller sets {@code intoId}'s balance again.
     *
     * @return the number of rows dropped
     */
    int moveRows(String fromId, String intoId) {
        List<Long> both = jdbc.sql("""
                select f.id from sf_loyalty_points f
                join sf_loyalty_points i on i.customer_id = ? and i.kind = f.kind and i.cause_id = f.cause_id
                where f.customer_id = ?""").params(intoId, fromId).query(Long.class).list();
        if (!both.isEmpty()) {
            jdbc.sql("delete from sf_loyalty_points where id in (:ids)").param("ids", both).update();
        }
        jdbc.sql("update sf_loyalty_points set customer_id = ? where customer_id = ?").params(intoId, fromId).update();
        jdbc.sql("update sf_loyalty_tier_change set customer_id = ? where customer_id = ?").params(intoId, fromId)
                .update();
        jdbc.sql("delete from sf_loyalty_account where customer_id = ?").param(fromId).update();
        return both.size();
    }

    /** The sum of the customer's ledger rows: what their balance is. */
    int ledgerSum(String customerId) {
        return jdbc.sql("select coalesce(sum(points), 0) from sf_loyalty_points where customer_id = ?")
                .param(customerId).query(Integer.class).single();
    }

    /** Sets the balance and when points were last expired up to (null: look at every expired row again). */
    void setBalance(String customerId, int balance, Instant expiredUntil, Instant now) {
        jdbc.sql("update sf_loyalty_account set balance = ?, expired_until = ?, updated_at = ? where customer_id = ?")
                .params(balance, expiredUntil == null ? null : timestamps.of(expiredUntil), timestamps.of(now),
                        customerId).update();
    }

    void deleteByCustomer(String customerId) {
        jdbc.sql("delete from sf_loyalty_points where customer_id = ?").param(customerId).update();
        jdbc.sql("delete from sf_loyalty_tier_change where customer_id = ?").param(customerId).update();
        jdbc.sql("delete from sf_loyalty_account where customer_id = ?").param(customerId).update();
    }

    private static Account account(ResultSet rs, int n) throws SQLException {
        Timestamp expiredUntil = rs.getTimestamp("expired_until");
        return new Account(rs.getString("customer_id"), rs.getInt("balance"), rs.getString("tier"),
                rs.getTimestamp("tier_since").toInstant(), expiredUntil == null ? null : expiredUntil.toInstant());
    }

    private static Entry entry(ResultSet rs, int n) throws SQLException {
        Timestamp expires = rs.getTimestamp("expires_at");
        return new Entry(rs.getLong("id"), rs.getString("customer_id"), Kind.valueOf(rs.getString("kind")),
                rs.getInt("points"), rs.getInt("requested_points"), rs.getString("cause_type"),
                rs.getString("cause_id"), rs.getString("order_id"), rs.getString("message_id"),
                rs.getBigDecimal("amount"), rs.getString("currency"), rs.getString("reason"),
                rs.getTimestamp("occurred_at").toInstant(), expires == null ? null : expires.toInstant(),
                rs.getTimestamp("recorded_at").toInstant());
    }

    /** A customer's account: the balance, the sum of their ledger, and their tier. */
    record Account(String customerId, int balance, String tier, Instant tierSince, Instant expiredUntil) {
    }

    /** One ledger row ({@code id} 0 before it is stored). */
    record Entry(long id, String customerId, Kind kind, int points, int requestedPoints, String causeType,
            String causeId, String orderId, String messageId, BigDecimal amount, String currency, String reason,
            Instant occurredAt, Instant expiresAt, Instant recordedAt) {
    }

    /** A move from one tier to another. */
    record TierChange(String from, String to, long windowPoints, String cause, Instant at) {
    }
}
