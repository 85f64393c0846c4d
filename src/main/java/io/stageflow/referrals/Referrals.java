package io.stageflow.referrals;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The referral program. Every customer has a stable code. A {@code signed_up} event that carries
 * {@code referralCode} links the friend to the referrer, or is rejected with its reason (self-referral, a friend
 * known before, a referrer over the cap). The friend's first order records a {@code referral_converted} event for
 * the referrer, which starts the referral-reward journey; a refund of that order within the refund window records
 * {@code referral_refunded}, which the journey waits for to revoke the reward. All of it runs in the router's
 * transaction ({@link ReferralEffects}) and is idempotent per event.
 */
@Component
public class Referrals {

    static final String CONVERTED_EVENT = "referral_converted";
    static final String REFUNDED_EVENT = "referral_refunded";
    private static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final CustomerService customers;
    private final ObservedEvents events;
    private final ReferralsProperties properties;
    private final Clock clock;

    Referrals(JdbcClient jdbc, CustomerService customers, ObservedEvents events, ReferralsProperties properties,
            Clock clock) {
        this.jdbc = jdbc;
        this.customers = customers;
        this.events = events;
        this.properties = properties;
        this.clock = clock;
    }

    /** The customer's referral code, made now if they have none yet; the same code ever after. */
    @Transactional
    public String codeOf(String customerId) {
        for (int attempt = 1; ; attempt++) {
            Optional<String> existing = existingCodeOf(customerId);
            if (existing.isPresent()) {
                return existing.get();
            }
            try {
                jdbc.sql("insert into sf_referral_code (customer_id, code, created_at) values (?, ?, ?)")
                        .params(customerId, newCode(), Timestamp.from(clock.instant())).update();
            } catch (DuplicateKeyException clash) {
                if (attempt == 5) {
                    throw clash;
                }
            }
        }
    }

    private static String newCode() {
        StringBuilder code = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    Optional<String> ownerOf(String code) {
        return jdbc.sql("select customer_id from sf_referral_code where code = ?")
                .param(code.strip().toUpperCase(Locale.ROOT)).query(String.class).optional();
    }

    /**
     * A signup that carried a referral code: links the friend to the referrer, or records why not. Asking again for
     * the same event gives the recorded answer.
     *
     * @return null when accepted, otherwise the reason it was rejected
     */
    @Transactional
    String signedUp(String friendId, String code, String messageId) {
        Optional<String[]> recorded = jdbc.sql("select status, reason from sf_referral where event_message_id = ?")
                .param(messageId).query((rs, row) -> new String[] {rs.getString(1), rs.getString(2)}).optional();
        if (recorded.isPresent()) {
            return "REJECTED".equals(recorded.get()[0]) ? recorded.get()[1] : null; // this event was handled before
        }
        Optional<String> referrer = ownerOf(code);
        String reason = referrer.isEmpty() ? "Unknown referral code" : rejection(referrer.get(), friendId, messageId);
        Timestamp now = Timestamp.from(clock.instant());
        if (reason == null) {
            try {
                jdbc.sql("""
                        insert into sf_referral (event_message_id, code, referrer_id, friend_id, linked_friend_id, status,
                                                 created_at)
                        values (?, ?, ?, ?, ?, 'LINKED', ?)""")
                        .params(messageId, code, referrer.get(), friendId, friendId, now).update();
                return null;
            } catch (DuplicateKeyException linkedMeanwhile) {
                reason = "The friend was already referred by another customer";
            }
        }
        jdbc.sql("""
                insert into sf_referral (event_message_id, code, referrer_id, friend_id, status, reason, created_at)
                values (?, ?, ?, ?, 'REJECTED', ?, ?)""")
                .params(messageId, code, referrer.orElse(null), friendId, reason, now).update();
        return reason;
    }

    private static Object value(Map<String, Object> row, String column) {
        Object value = row.get(column);
        return value != null ? value : row.get(column.toUpperCase(Locale.ROOT));
    }

    private String rejection(String referrerId, String friendId, String messageId) {
        if (referrerId.equals(friendId)) {
            return "Self-referral: the referrer and the friend are the same customer";
        }
        Optional<Customer> referrer = customers.find(referrerId);
        Optional<Customer> friend = customers.find(friendId);
        String referrerEmail = referrer.map(Customer::email).orElse(null);
        String friendEmail = friend.map(Customer::email).orElse(null);
        if (referrerEmail != null && friendEmail != null) {
            if (referrerEmail.strip().equalsIgnoreCase(friendEmail.strip())) {
                return "Self-referral: the friend has the referrer's email address";
            }
            if (EmailAddresses.mailbox(referrerEmail).equals(EmailAddresses.mailbox(friendEmail))) {
                return "Self-referral: the friend's email address is the referrer's mailbox (dots or a +tag aside)";
            }
        }
        if (jdbc.sql("select count(*) from sf_referral where linked_friend_id = ?").param(friendId)
                .query(Long.class).single() > 0) {
            return "The friend was already referred by another customer";
        }
        long earlier = jdbc.sql("""
                select count(*) from sf_event
                where customer_id = ? and message_id <> ?
                  and id < (select id from sf_event where message_id = ?)""")
                .params(friendId, messageId, messageId).query(Long.class).single();
        if (earlier > 0) {
            return "The friend was already known before the referral";
        }
        long accepted = jdbc.sql("select count(*) from sf_referral where referrer_id = ? and status <> 'REJECTED'")
                .param(referrerId).query(Long.class).single();
        if (accepted >= properties.maxPerReferrer()) {
            return "The referrer has reached the limit of " + properties.maxPerReferrer() + " referrals";
        }
        return null;
    }

    /**
     * The friend's first order: marks the referral converted and records {@code referral_converted} for the
     * referrer, which starts the referral-reward journey. Nothing for a customer nobody referred.
     */
    @Transactional
    void firstOrder(String friendId, String orderId) {
        Instant now = clock.instant();
        Optional<Map<String, Object>> referral = jdbc.sql("""
                select id, referrer_id from sf_referral where linked_friend_id = ? and status = 'LINKED'""")
                .param(friendId).query().listOfRows().stream().findFirst();
        if (referral.isEmpty()) {
            return;
        }
        long id = ((Number) value(referral.get(), "id")).longValue();
        String referrerId = String.valueOf(value(referral.get(), "referrer_id"));
        int converted = jdbc.sql("""
                update sf_referral set status = 'CONVERTED', converted_at = ?, first_order_id = ?
                where id = ? and status = 'LINKED'""")
                .params(Timestamp.from(now), orderId, id).update();
        if (converted == 1) {
            Map<String, Object> properties = new HashMap<>();
            properties.put("referralId", String.valueOf(id));
            properties.put("friendId", friendId);
            properties.put("orderId", orderId);
            events.record(new IncomingEvent("referral-converted-" + id, CONVERTED_EVENT, referrerId, null, properties));
        }
    }

    /**
     * A refund or cancellation of the friend's first order within the refund window: records
     * {@code referral_refunded} for the referrer, which revokes the unredeemed reward in the referral-reward journey.
     */
    @Transactional
    void orderRefunded(String friendId, String orderId) {
        Instant now = clock.instant();
        Optional<Map<String, Object>> referral = jdbc.sql("""
                select id, referrer_id, first_order_id, converted_at from sf_referral
                where linked_friend_id = ? and status = 'CONVERTED'""")
                .param(friendId).query().listOfRows().stream().findFirst();
        if (referral.isEmpty()) {
            return;
        }
        Object firstOrder = value(referral.get(), "first_order_id");
        if (orderId != null && firstOrder != null && !orderId.equals(firstOrder.toString())) {
            return; // another order than the one that earned the reward
        }
        Object convertedAt = value(referral.get(), "converted_at");
        if (convertedAt instanceof Timestamp at && at.toInstant().plus(properties.refundWindow()).isBefore(now)) {
            return;
        }
        long id = ((Number) value(referral.get(), "id")).longValue();
        if (jdbc.sql("update sf_referral set status = 'REFUNDED' where id = ? and status = 'CONVERTED'").param(id)
                .update() == 1) {
            events.record(new IncomingEvent("referral-refunded-" + id, REFUNDED_EVENT,
                    String.valueOf(value(referral.get(), "referrer_id")), null,
                    Map.of("referralId", String.valueOf(id), "friendId", friendId)));
        }
    }

    /** A customer's referral: code, and the referrals they made and that were made for them, with reasons. */
    @Transactional
    ReferralView view(String customerId, String link) {
        String code = codeOf(customerId);
        List<ReferralView.Entry> made = entriesMadeBy(customerId);
        List<ReferralView.Entry> received = entriesNaming(customerId);
        return new ReferralView(customerId, code, link + code, made, received);
    }

    /** The customer's referral code, if they have one (unlike {@link #codeOf}, never makes one). */
    @Transactional(readOnly = true)
    Optional<String> existingCodeOf(String customerId) {
        return jdbc.sql("select code from sf_referral_code where customer_id = ?").param(customerId)
                .query(String.class).optional();
    }

    /** The referrals the customer made, oldest first. */
    @Transactional(readOnly = true)
    List<ReferralView.Entry> entriesMadeBy(String customerId) {
        return entries("referrer_id = ?", customerId);
    }

    /** The referrals that named the customer as the friend. */
    @Transactional(readOnly = true)
    List<ReferralView.Entry> entriesNaming(String customerId) {
        return entries("friend_id = ?", customerId);
    }

    private List<ReferralView.Entry> entries(String where, String customerId) {
        return jdbc.sql("select * from sf_referral where " + where + " order by id").param(customerId)
                .query((rs, row) -> new ReferralView.Entry(rs.getString("referrer_id"), rs.getString("friend_id"),
                        rs.getString("status").toLowerCase(Locale.ROOT), rs.getString("reason"),
                        rs.getTimestamp("created_at").toInstant().toString(), rs.getString("event_message_id")))
                .list();
    }
}
