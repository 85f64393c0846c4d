package io.stageflow.sms;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.stageflow.subscriptions.EmailCategory;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SMS consent by phone number, apart from email consent ({@code sf_sms_consent}): a marketing SMS needs the number
 * {@link Status#OPTED_IN}; a transactional one goes unless the number is {@link Status#OPTED_OUT} or
 * {@link Status#UNREACHABLE}. The customer's own words win over the business's: a STOP ends all SMS to the number at
 * once, whatever the API recorded before, and a START or YES from the number opts it in again. With
 * {@code stageflow.sms.double-opt-in} a grant recorded through the API stays {@link Status#PENDING} until the number
 * confirms it.
 */
@Repository
public class SmsConsents {

    /** Where a number stands. */
    public enum Status {
        OPTED_IN, PENDING, OPTED_OUT, UNREACHABLE;

        /** The status as the API writes it: {@code opted_in}, … */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A number's consent as recorded. */
    public record Consent(String phone, String customerId, Status status, String source, Instant updatedAt) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SmsProperties properties;

    SmsConsents(JdbcClient jdbc, Clock clock, SmsProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /** The number's consent, or empty when none was ever recorded. */
    public Optional<Consent> find(String phone) {
        return jdbc.sql("select phone, customer_id, status, source, updated_at from sf_sms_consent where phone = ?")
                .param(phone).query(SmsConsents::consent).optional();
    }

    /** The consent recorded for the customer's numbers (usually one). */
    public List<Consent> ofCustomer(String customerId) {
        return jdbc.sql("select phone, customer_id, status, source, updated_at from sf_sms_consent"
                + " where customer_id = ? order by phone").param(customerId).query(SmsConsents::consent).list();
    }

    /**
     * Why an SMS of this category may not go to the number, as the message log shows it, or null when it may.
     */
    public String blockingReason(String phone, EmailCategory category) {
        Status status = find(phone).map(Consent::status).orElse(null);
        if (status == Status.OPTED_OUT) {
            return "The number " + phone + " opted out of SMS";
        }
        if (status == Status.UNREACHABLE) {
            return "The number " + phone + " cannot be reached by SMS";
        }
        if (category == EmailCategory.MARKETING && status != Status.OPTED_IN) {
            return status == Status.PENDING
                    ? "The number " + phone + " has not confirmed its SMS consent yet (reply YES or START)"
                    : "The number " + phone + " has no SMS marketing consent";
        }
        return null;
    }

    /**
     * The business records the customer's choice ({@code PUT /api/v1/customers/{id}/sms-consent}): OPTED_OUT as
     * given; OPTED_IN, under double opt-in, as PENDING unless the number is opted in already. Returns what is recorded.
     */
    public Consent record(String customerId, String phone, Status requested, String source) {
        Status status = requested;
        if (requested == Status.OPTED_IN && properties.doubleOptIn()
                && find(phone).map(Consent::status).orElse(null) != Status.OPTED_IN) {
            status = Status.PENDING;
        }
        upsert(phone, customerId, status, source);
        return find(phone).orElseThrow();
    }

    /** The number replied STOP (or the provider says it did): no SMS at all any more. */
    public void optOut(String phone, String source) {
        upsert(phone, null, Status.OPTED_OUT, source);
    }

    /** The number replied START, YES or UNSTOP: opted in, which confirms a pending grant. */
    public void optIn(String phone, String source) {
        upsert(phone, null, Status.OPTED_IN, source);
    }

    /** The provider says the number does not exist or takes no SMS: nothing more is sent to it. */
    public void markUnreachable(String phone, String source) {
        upsert(phone, null, Status.UNREACHABLE, source);
    }

    /** Forgets the customer's numbers and their consent (an erasure). */
    public int forget(String customerId) {
        return jdbc.sql("delete from sf_sms_consent where customer_id = ?").param(customerId).update();
    }

    /** Sets the status; a null {@code customerId} keeps the one recorded. */
    private void upsert(String phone, String customerId, Status status, String source) {
        Timestamp now = Timestamp.from(clock.instant());
        String shortSource = source.length() <= 100 ? source : source.substring(0, 100);
        for (int attempt = 0; attempt < 2; attempt++) {
            int updated = customerId == null
                    ? jdbc.sql("update sf_sms_consent set status = ?, source = ?, updated_at = ? where phone = ?")
                            .params(status.name(), shortSource, now, phone).update()
                    : jdbc.sql("update sf_sms_consent set status = ?, source = ?, updated_at = ?, customer_id = ?"
                            + " where phone = ?").params(status.name(), shortSource, now, customerId, phone).update();
            if (updated > 0) {
                return;
            }
            try {
                jdbc.sql("insert into sf_sms_consent (phone, customer_id, status, source, updated_at)"
                        + " values (?, ?, ?, ?, ?)").params(phone, customerId, status.name(), shortSource, now).update();
                return;
            } catch (DuplicateKeyException insertedMeanwhile) {
                // another request recorded the number first: update it
            }
        }
    }

    private static Consent consent(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Consent(rs.getString("phone"), rs.getString("customer_id"), Status.valueOf(rs.getString("status")),
                rs.getString("source"), rs.getTimestamp("updated_at").toInstant());
    }
}
