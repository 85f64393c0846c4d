package io.stageflow.whatsapp;

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
 * WhatsApp consent by phone number, apart from SMS and email consent ({@code sf_whatsapp_consent}): WhatsApp asks a
 * business for the customer's opt-in to its messages, so a marketing template needs the number
 * {@link Status#OPTED_IN}, and a transactional one goes unless the number is {@link Status#OPTED_OUT} or
 * {@link Status#UNREACHABLE}. The customer's own words win: a STOP on WhatsApp ends all WhatsApp messages to the
 * number, a START opts it in again.
 */
@Repository
public class WhatsAppConsents {

    /** Where a number stands. */
    public enum Status {
        OPTED_IN, OPTED_OUT, UNREACHABLE;

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

    WhatsAppConsents(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The number's consent, or empty when none was ever recorded. */
    public Optional<Consent> find(String phone) {
        return jdbc.sql("select phone, customer_id, status, source, updated_at from sf_whatsapp_consent"
                + " where phone = ?").param(phone).query(WhatsAppConsents::consent).optional();
    }

    /** The consent recorded for the customer's numbers (usually one). */
    public List<Consent> ofCustomer(String customerId) {
        return jdbc.sql("select phone, customer_id, status, source, updated_at from sf_whatsapp_consent"
                + " where customer_id = ? order by phone").param(customerId).query(WhatsAppConsents::consent).list();
    }

    /** Why a WhatsApp message of this category may not go to the number, as the message log shows it, or null. */
    public String blockingReason(String phone, EmailCategory category) {
        Status status = find(phone).map(Consent::status).orElse(null);
        if (status == Status.OPTED_OUT) {
            return "The number " + phone + " opted out of WhatsApp messages";
        }
        if (status == Status.UNREACHABLE) {
            return "The number " + phone + " cannot be reached on WhatsApp";
        }
        if (category == EmailCategory.MARKETING && status != Status.OPTED_IN) {
            return "The number " + phone + " has no WhatsApp marketing opt-in";
        }
        return null;
    }

    /** The business records the customer's choice ({@code PUT /api/v1/customers/{id}/whatsapp-consent}). */
    public Consent record(String customerId, String phone, Status status, String source) {
        upsert(phone, customerId, status, source);
        return find(phone).orElseThrow();
    }

    /** The number wrote STOP, or WhatsApp says it stopped the business's marketing: no more messages of that kind. */
    public void optOut(String phone, String source) {
        upsert(phone, null, Status.OPTED_OUT, source);
    }

    /** The number wrote START: opted in again. */
    public void optIn(String phone, String source) {
        upsert(phone, null, Status.OPTED_IN, source);
    }

    /** WhatsApp says the number is no WhatsApp user or cannot take the message: nothing more is sent to it. */
    public void markUnreachable(String phone, String source) {
        upsert(phone, null, Status.UNREACHABLE, source);
    }

    /** Forgets the customer's numbers and their consent (an erasure). */
    public int forget(String customerId) {
        return jdbc.sql("delete from sf_whatsapp_consent where customer_id = ?").param(customerId).update();
    }

    /** Sets the status; a null {@code customerId} keeps the one recorded. */
    private void upsert(String phone, String customerId, Status status, String source) {
        Timestamp now = Timestamp.from(clock.instant());
        String shortSource = source.length() <= 100 ? source : source.substring(0, 100);
        for (int attempt = 0; attempt < 2; attempt++) {
            int updated = customerId == null
                    ? jdbc.sql("update sf_whatsapp_consent set status = ?, source = ?, updated_at = ? where phone = ?")
                            .params(status.name(), shortSource, now, phone).update()
                    : jdbc.sql("update sf_whatsapp_consent set status = ?, source = ?, updated_at = ?, customer_id = ?"
                            + " where phone = ?").params(status.name(), shortSource, now, customerId, phone).update();
            if (updated > 0) {
                return;
            }
            try {
                jdbc.sql("insert into sf_whatsapp_consent (phone, customer_id, status, source, updated_at)"
                        + " values (?, ?, ?, ?, ?)").params(phone, customerId, status.name(), shortSource, now)
                        .update();
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
