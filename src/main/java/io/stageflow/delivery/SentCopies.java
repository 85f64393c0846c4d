package io.stageflow.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;
import io.stageflow.support.DatabaseTimestamps;
import io.stageflow.support.MultiRowInsert;
import io.stageflow.templates.RenderedEmail;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The copies of emails as they were sent ({@code sf_sent_copy}), for the console's customer timeline: what the
 * customer got, not what the template says today. A copy is written right after the mail server accepted the email,
 * so an email sent by a node that died at that moment has none; copies older than
 * {@code stageflow.delivery.sent-copies.keep-for} are deleted by a background worker. The copies are the customer's
 * personal data: exported with the rest, and deleted at once by an erasure.
 */
@Component
class SentCopies implements PersonalData {

    private static final Logger log = LoggerFactory.getLogger(SentCopies.class);

    /** How often the worker looks for expired copies when the last look left no backlog. */
    static final java.time.Duration LOOK_EVERY = java.time.Duration.ofHours(1);
    /** Copies deleted per statement, so that a large backlog never holds one long transaction. */
    static final int DELETE_BATCH = 1000;

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final DatabaseTimestamps timestamps;
    private final Clock clock;
    private final DeliveryProperties.SentCopies settings;

    SentCopies(JdbcClient jdbc, JdbcTemplate jdbcTemplate, DatabaseTimestamps timestamps, Clock clock,
            DeliveryProperties properties) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.timestamps = timestamps;
        this.clock = clock;
        this.settings = properties.sentCopies();
    }

    /**
     * Keeps the copy of the email just sent as outbox row {@code outboxId} (nothing when copies are off). Never
     * throws: the email is already with the mail server, and a copy that could not be written (or that a resend
     * already wrote) must not make the dispatcher think otherwise.
     */
    void keep(OutboxEntry entry, RenderedEmail email, Instant sentAt) {
        if (!settings.kept()) {
            return;
        }
        try {
            jdbc.sql("insert into sf_sent_copy (outbox_id, customer_id, subject, html, text_body, kept_at,"
                            + " template_version) values (?, ?, ?, ?, ?, ?, ?)")
                    .params(entry.id(), entry.customerId(), email.subject(), email.html(), email.text(),
                            Timestamp.from(sentAt), email.templateVersion() > 0 ? email.templateVersion() : null)
                    .update();
        } catch (DuplicateKeyException resent) {
            log.debug("Outbox row {} already has its copy (sent again with the same Message-ID)", entry.id());
        } catch (DataAccessException e) {
            log.warn("Outbox row {} was sent, but its copy for the console could not be kept: {}", entry.id(),
                    e.toString());
        }
    }

    /** An email just sent, whose copy to keep. */
    record Sent(OutboxEntry entry, RenderedEmail email, Instant at) {
    }

    private static final MultiRowInsert INSERT = new MultiRowInsert("insert into sf_sent_copy (outbox_id, customer_id,"
            + " subject, html, text_body, kept_at, template_version) values", "(?, ?, ?, ?, ?, ?, ?)");

    /**
     * {@link #keep} for several emails at once, with multi-row inserts, in the caller's transaction (the one that
     * records them sent); a copy a resend already wrote is left as it is. Throws only what ends that transaction (a
     * deadlock, a lost connection), so that it is taken again whole; any other failure loses the copies alone.
     */
    void keepAll(List<Sent> sent) {
        if (!settings.kept() || sent.isEmpty()) {
            return;
        }
        List<Object[]> rows = sent.stream().map(copy -> new Object[] {copy.entry().id(), copy.entry().customerId(),
                copy.email().subject(), copy.email().html(), copy.email().text(), timestamps.of(copy.at()),
                copy.email().templateVersion() > 0 ? copy.email().templateVersion() : null}).toList();
        try {
            INSERT.insert(jdbcTemplate, rows, i -> {
                keep(sent.get(i).entry(), sent.get(i).email(), sent.get(i).at());
                return true;
            });
        } catch (TransientDataAccessException | RecoverableDataAccessException
                | DataAccessResourceFailureException transactionLost) {
            throw transactionLost;
        } catch (DataAccessException e) {
            log.warn("{} emails were sent, but their copies for the console could not be kept: {}", sent.size(),
                    e.toString());
        }
    }

    /** The copy of the customer's email {@code outboxId}, if one is kept. */
    Optional<SentCopy> of(String customerId, long outboxId) {
        return jdbc.sql("select outbox_id, subject, html, text_body, kept_at, template_version from sf_sent_copy"
                        + " where outbox_id = ? and customer_id = ?")
                .params(outboxId, customerId).query(SentCopies::copy).optional();
    }

    @Override
    public String section() {
        return "sentCopies";
    }

    @Override
    public Object export(Customer customer) {
        return jdbc.sql("select outbox_id, subject, html, text_body, kept_at, template_version from sf_sent_copy where customer_id = ?"
                        + " order by outbox_id")
                .param(customer.id()).query(SentCopies::copy).list();
    }

    @Override
    public void erase(Customer customer) {
        jdbc.sql("delete from sf_sent_copy where customer_id = ?").param(customer.id()).update();
    }

    private static SentCopy copy(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new SentCopy(rs.getLong("outbox_id"), rs.getString("subject"), rs.getString("html"),
                rs.getString("text_body"), rs.getTimestamp("kept_at").toInstant(),
                rs.getObject("template_version", Integer.class));
    }

    /**
     * Deletes up to {@link #DELETE_BATCH} copies older than the retention (all of them once copies are off); true
     * when there may be more.
     */
    boolean deleteExpired() {
        Timestamp before = Timestamp.from(clock.instant().minus(settings.keepFor()));
        return jdbc.sql("delete from sf_sent_copy where outbox_id in (select outbox_id from (select outbox_id"
                        + " from sf_sent_copy where kept_at < ? order by outbox_id limit " + DELETE_BATCH + ") expired)")
                .param(before).update() == DELETE_BATCH;
    }
}
