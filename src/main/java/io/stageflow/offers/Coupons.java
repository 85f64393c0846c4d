package io.stageflow.offers;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.stageflow.delivery.EmailOutcome;
import io.stageflow.delivery.EmailOutcomes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Coupons: reserved by a journey step for the email that follows it, issued when that email is sent, released
 * when it is not, redeemed by orders. Every change of state is a conditional update whose row count decides, so
 * that two nodes, or twenty threads, never both redeem a single-use code: the database decides, not a Java lock.
 */
@Component
public class Coupons {

    private static final Logger log = LoggerFactory.getLogger(Coupons.class);
    private static final int CODE_ATTEMPTS = 5;

    private final JdbcClient jdbc;
    private final Offers offers;
    private final Clock clock;

    Coupons(JdbcClient jdbc, Offers offers, Clock clock) {
        this.jdbc = jdbc;
        this.offers = offers;
        this.clock = clock;
    }

    /**
     * Reserves a coupon of the offer for the customer, for the step execution {@code reservedFor}; asking again for
     * the same step execution gives the same code.
     */
    @Transactional
    public String reserve(String offerKey, String customerId, String reservedFor, String journeyKey,
            String journeyInstanceId, String stepId) {
        Optional<String> existing = codeReservedFor(reservedFor);
        if (existing.isPresent()) {
            return existing.get();
        }
        OfferDefinition offer = offers.find(offerKey)
                .orElseThrow(() -> new IllegalStateException("There is no offer '" + offerKey + "'"));
        Instant now = clock.instant();
        for (int attempt = 1; ; attempt++) {
            String code = CouponCodes.next();
            try {
                jdbc.sql("""
                        insert into sf_coupon (code, offer_key, customer_id, status, max_uses, uses, reserved_for,
                                               journey_key, journey_instance_id, step_id, created_at, expires_at)
                        values (?, ?, ?, 'RESERVED', ?, 0, ?, ?, ?, ?, ?, ?)""")
                        .params(code, offerKey, customerId, offer.maxUses(), reservedFor, journeyKey,
                                journeyInstanceId, stepId, Timestamp.from(now),
                                Timestamp.from(now.plus(Duration.ofDays(offer.validityDays()))))
                        .update();
                return code;
            } catch (DuplicateKeyException clash) {
                existing = codeReservedFor(reservedFor);
                if (existing.isPresent()) {
                    return existing.get(); // the same step, running on another node at the same moment
                }
                if (attempt == CODE_ATTEMPTS) {
                    throw clash;
                }
            }
        }
    }

    private Optional<String> codeReservedFor(String reservedFor) {
        return jdbc.sql("select code from sf_coupon where reserved_for = ?").param(reservedFor).query(String.class)
                .optional();
    }

    /**
     * Hands the coupons this journey instance reserved and no email carries yet to the email just queued under
     * {@code outboxKey} by the send step {@code stepId}, in the same transaction: that email shows them as
     * {@code $offer}, its outcome issues or releases them, and their redemptions are attributed to that step.
     */
    @Transactional
    public void attachToEmail(String journeyInstanceId, String outboxKey, String stepId) {
        jdbc.sql("""
                update sf_coupon set outbox_key = ?, email_step_id = ?
                where journey_instance_id = ? and status = 'RESERVED' and outbox_key is null""")
                .params(outboxKey, stepId, journeyInstanceId).update();
    }

    /**
     * Sent: the customer has the code now. Not sent (suppressed, skipped, failed for good, withdrawn because its
     * journey reached its goal first): the coupon is released. One statement for each kind of outcome in the batch.
     */
    @EventListener
    void emailsEnded(EmailOutcomes ended) {
        Timestamp now = Timestamp.from(clock.instant());
        Map<EmailOutcome.Result, List<String>> byResult = new EnumMap<>(EmailOutcome.Result.class);
        ended.outcomes().forEach(outcome -> byResult.computeIfAbsent(outcome.result(), result -> new ArrayList<>())
                .add(outcome.idempotencyKey()));
        byResult.forEach((result, outboxKeys) -> {
            if (result.delivered()) {
                // RELEASED too: a failed email that an operator's incident retry delivered after all
                jdbc.sql("""
                        update sf_coupon set status = 'ISSUED', issued_at = :now, released_at = null, status_reason = null
                        where outbox_key in (:keys) and status in ('RESERVED', 'RELEASED')""")
                        .param("now", now).param("keys", outboxKeys).update();
                return;
            }
            String outcome = result.name().toLowerCase(Locale.ROOT);
            int released = jdbc.sql("""
                    update sf_coupon set status = 'RELEASED', released_at = :now, status_reason = :reason
                    where outbox_key in (:keys) and status = 'RESERVED'""")
                    .param("now", now).param("reason", "Its email was not sent: " + outcome)
                    .param("keys", outboxKeys).update();
            if (released > 0) {
                log.info("Released {} coupon(s) of {} email(s) that were {}", released, outboxKeys.size(), outcome);
            }
        });
    }

    /** Whether the code would be accepted for this customer's order of {@code orderTotal} (null: not known yet). */
    @Transactional(readOnly = true)
    public CouponCheck validate(String code, String customerId, BigDecimal orderTotal) {
        Optional<Coupon> coupon = find(code);
        return coupon.isEmpty() ? CouponCheck.NOT_FOUND : check(coupon.get(), customerId, orderTotal);
    }

    private CouponCheck check(Coupon coupon, String customerId, BigDecimal orderTotal) {
        switch (coupon.status()) {
            case REVOKED -> {
                return CouponCheck.REVOKED;
            }
            case REDEEMED -> {
                return CouponCheck.USED;
            }
            case RESERVED, RELEASED -> {
                return CouponCheck.NOT_ISSUED;
            }
            case ISSUED -> {
                // checked below
            }
        }
        if (customerId == null || !customerId.equals(coupon.customerId())) {
            return CouponCheck.WRONG_CUSTOMER;
        }
        if (!coupon.expiresAt().isAfter(clock.instant())) {
            return CouponCheck.EXPIRED;
        }
        BigDecimal minimum = offers.find(coupon.offerKey()).map(OfferDefinition::minimumOrder).orElse(null);
        if (minimum != null && orderTotal != null && orderTotal.compareTo(minimum) < 0) {
            return CouponCheck.BELOW_MINIMUM;
        }
        return CouponCheck.VALID;
    }

    /**
     * Redeems the code for this order, in the caller's transaction (the router's, for an {@code order_completed}
     * event that carries {@code couponCode}: {@link CouponRedemption}), and attributes the order to the journey
     * step that issued the code. Of any number of concurrent redemptions of a single-use code, exactly one gets
     * {@link CouponCheck#VALID}; the others get {@link CouponCheck#USED}.
     */
    @Transactional
    CouponCheck redeem(String code, String customerId, String orderId, BigDecimal orderTotal) {
        Optional<Coupon> found = find(code);
        if (found.isEmpty()) {
            return CouponCheck.NOT_FOUND;
        }
        Coupon coupon = found.get();
        String order = orderId == null || orderId.isBlank() ? "unknown" : orderId;
        boolean sameOrder = jdbc.sql("select count(*) from sf_coupon_redemption where coupon_id = ? and order_id = ?")
                .params(coupon.id(), order).query(Long.class).single() > 0;
        if (sameOrder && orderId != null) {
            return CouponCheck.ALREADY_REDEEMED_BY_THIS_ORDER;
        }
        CouponCheck check = check(coupon, customerId, orderTotal);
        if (check != CouponCheck.VALID) {
            return check;
        }
        Instant now = clock.instant();
        // status is computed from uses before it is incremented: MySQL assigns left to right, H2 from the old row,
        // and with status first both read the old value.
        int won = jdbc.sql("""
                update sf_coupon
                set status = case when max_uses - uses <= 1 then 'REDEEMED' else status end,
                    uses = uses + 1, redeemed_at = ?
                where id = ? and status = 'ISSUED' and customer_id = ? and uses < max_uses and expires_at > ?""")
                .params(Timestamp.from(now), coupon.id(), customerId, Timestamp.from(now)).update();
        if (won == 0) {
            Coupon now2 = find(code).orElseThrow();
            CouponCheck lost = check(now2, customerId, orderTotal);
            return lost == CouponCheck.VALID ? CouponCheck.USED : lost;
        }
        jdbc.sql("""
                insert into sf_coupon_redemption (coupon_id, order_id, customer_id, order_total, journey_key,
                                                  journey_instance_id, step_id, redeemed_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(coupon.id(), order, customerId, orderTotal == null ? BigDecimal.ZERO : orderTotal,
                        coupon.journeyKey(), coupon.journeyInstanceId(),
                        coupon.emailStepId() != null ? coupon.emailStepId() : coupon.stepId(), Timestamp.from(now))
                .update();
        return CouponCheck.VALID;
    }

    /**
     * The journey email whose coupon this order redeemed: the journey, the send step that carried the code and that
     * email's idempotency key (null if the code was never attached to an email); empty when the order redeemed no
     * journey's coupon.
     */
    public Optional<CouponCredit> creditFor(String customerId, String orderId) {
        return jdbc.sql("""
                select r.journey_key, r.step_id, c.outbox_key from sf_coupon_redemption r
                join sf_coupon c on c.id = r.coupon_id
                where r.customer_id = ? and r.order_id = ? and r.journey_key is not null
                order by r.id
                limit 1""")
                .params(customerId, orderId)
                .query((rs, row) -> new CouponCredit(rs.getString(1), rs.getString(2), rs.getString(3)))
                .stream().findFirst();
    }

    /** Where a redeemed coupon came from: its journey, the step whose email carried it, and that email's key. */
    public record CouponCredit(String journeyKey, String stepId, String outboxKey) {
    }

    /**
     * Takes back the coupons issued by this journey instance that were not redeemed yet (a referral reward whose
     * friend's order was refunded); how many.
     */
    @Transactional
    public int revokeUnredeemed(String journeyInstanceId, String reason) {
        return jdbc.sql("""
                update sf_coupon set status = 'REVOKED', status_reason = ?
                where journey_instance_id = ? and status in ('RESERVED', 'ISSUED') and uses = 0""")
                .params(reason, journeyInstanceId).update();
    }

    /** The code reserved by this step execution, if any. */
    public Optional<String> reservedBy(String reservedFor) {
        return codeReservedFor(reservedFor);
    }

    Optional<Coupon> find(String code) {
        String normalised = CouponCodes.normalise(code);
        if (normalised == null) {
            return Optional.empty();
        }
        return jdbc.sql("select * from sf_coupon where code = ?").param(normalised).query(Coupons::map).optional();
    }

    /**
     * The coupon each of these emails carries, by the email's outbox idempotency key, with one read; emails that carry
     * none are left out.
     */
    Map<String, Coupon> findByEmails(Collection<String> outboxKeys) {
        Map<String, Coupon> coupons = new HashMap<>();
        if (!outboxKeys.isEmpty()) {
            // list(): a JDBC stream would hold its connection
            jdbc.sql("select * from sf_coupon where outbox_key in (:keys) order by id").param("keys", outboxKeys)
                    .query((rs, row) -> Map.entry(rs.getString("outbox_key"), map(rs, row))).list()
                    .forEach(coupon -> coupons.putIfAbsent(coupon.getKey(), coupon.getValue()));
        }
        return coupons;
    }

    List<Coupon> ofCustomer(String customerId) {
        return jdbc.sql("select * from sf_coupon where customer_id = ? order by id").param(customerId)
                .query(Coupons::map).list();
    }

    /** Per offer: how many coupons were reserved, issued (their email was sent), redeemed, released, revoked. */
    Map<String, Long> report(String offerKey) {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql("""
                select sum(case when status = 'RESERVED' then 1 else 0 end) as reserved,
                       sum(case when issued_at is not null and status <> 'RELEASED' then 1 else 0 end) as issued,
                       sum(case when status = 'REDEEMED' then 1 else 0 end) as redeemed,
                       sum(case when status = 'RELEASED' then 1 else 0 end) as released,
                       sum(case when status = 'REVOKED' then 1 else 0 end) as revoked,
                       sum(case when status = 'ISSUED' and expires_at <= ? then 1 else 0 end) as expired
                from sf_coupon where offer_key = ?""")
                .params(now, offerKey)
                .query((rs, row) -> Map.of(
                        "reserved", rs.getLong("reserved"), "issued", rs.getLong("issued"),
                        "redeemed", rs.getLong("redeemed"), "released", rs.getLong("released"),
                        "revoked", rs.getLong("revoked"), "expired", rs.getLong("expired")))
                .single();
    }

    /** Orders and revenue that redeemed coupons, by the journey and the step whose email carried them. */
    List<Attribution> attribution(String journeyKey) {
        String where = journeyKey == null ? "" : "where journey_key = :journey ";
        var query = jdbc.sql("select journey_key, step_id, count(*) as orders, sum(order_total) as revenue "
                + "from sf_coupon_redemption " + where + "group by journey_key, step_id order by journey_key, step_id");
        if (journeyKey != null) {
            query = query.param("journey", journeyKey);
        }
        return query.query((rs, row) -> new Attribution(rs.getString("journey_key"), rs.getString("step_id"),
                        rs.getLong("orders"), rs.getBigDecimal("revenue")))
                .list();
    }

    /** The orders and revenue one journey step's coupons brought. */
    record Attribution(String journeyKey, String stepId, long orders, BigDecimal revenue) {
    }

    private static Coupon map(ResultSet rs, int row) throws SQLException {
        return new Coupon(rs.getLong("id"), rs.getString("code"), rs.getString("offer_key"),
                rs.getString("customer_id"), CouponStatus.valueOf(rs.getString("status")), rs.getInt("max_uses"),
                rs.getInt("uses"), rs.getString("journey_key"), rs.getString("journey_instance_id"),
                rs.getString("step_id"), rs.getString("email_step_id"), instant(rs, "created_at"), instant(rs, "issued_at"),
                instant(rs, "expires_at"), instant(rs, "redeemed_at"), rs.getString("status_reason"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
