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
     * What will be kept of an email about to be sent: its subject, template version and deflated body. Made beside
     * its rendering, off the path of the wave's record; null when copies are off.
     */
    Copy copyOf(RenderedEmail email) {
        return settings.kept() ? new Copy(email.subject(), email.templateVersion() > 0 ? email.templateVersion() : null,
                SentCopyBody.pack(email.html(), email.text())) : null;
    }

    /** An email's copy as it is stored: {@link SentCopyBody} holds its HTML and text. */
    record Copy(String subject, Integer templateVersion, byte[] body) {
    }

    /** An email just sent, whose copy to keep. */
    record Sent(OutboxEntry entry, Copy copy, Instant at) {
    }

    private static final MultiRowInsert INSERT = new MultiRowInsert("insert into sf_sent_copy (outbox_id, customer_id,"
            + " subject, body, kept_at, template_version) values", "(?, ?, ?, ?, ?, ?)");

    /**
     * Keeps the copies of emails just sent, with multi-row inserts, in the caller's transaction (the one that records
     * them sent); a copy a resend already wrote is left as it is. Throws only what ends that transaction (a deadlock,
     * a lost connection), so that it is taken again whole; any other failure loses the copies alone. An email sent
     * by a node that died before this has no copy.
     */
    void keepAll(List<Sent> sent) {
        List<Sent> kept = sent.stream().filter(copy -> copy.copy() != null).toList(); // none when copies are off
        if (kept.isEmpty()) {
            return;
        }
        try {
            INSERT.insert(jdbcTemplate, kept.stream().map(this::row).toList(), i -> keep(kept.get(i)));
        } catch (TransientDataAccessException | RecoverableDataAccessException
                | DataAccessResourceFailureException transactionLost) {
            throw transactionLost;
        } catch (DataAccessException e) {
            log.warn("{} emails were sent, but their copies for the console could not be kept: {}", kept.size(),
                    e.toString());
        }
    }

    private Object[] row(Sent sent) {
        return new Object[] {sent.entry().id(), sent.entry().customerId(), sent.copy().subject(), sent.copy().body(),
                timestamps.of(sent.at()), sent.copy().templateVersion()};
    }

    /** One copy alone, after its batch met a copy already there: true, whether this wrote it or a resend had. */
    private boolean keep(Sent sent) {
        try {
            jdbc.sql(INSERT.single()).params(row(sent)).update();
        } catch (DuplicateKeyException resent) {
            log.debug("Outbox row {} already has its copy (sent again with the same Message-ID)", sent.entry().id());
        }
        return true;
    }

    /** The copy of the customer's email {@code outboxId}, if one is kept. */
    Optional<SentCopy> of(String customerId, long outboxId) {
        return jdbc.sql("select " + COLUMNS + " from sf_sent_copy where outbox_id = ? and customer_id = ?")
                .params(outboxId, customerId).query(SentCopies::copy).optional();
    }

    @Override
    public String section() {
        return "sentCopies";
    }

    @Override
    public Object export(Customer customer) {
        return jdbc.sql("select " + COLUMNS + " from sf_sent_copy where customer_id = ? order by outbox_id")
                .param(customer.id()).query(SentCopies::copy).list();
    }

    @Override
    public void erase(Customer customer) {
        jdbc.sql("delete from sf_sent_copy where customer_id = ?").param(customer.id()).update();
    }

    private static final String COLUMNS = "outbox_id, subject, body, html, text_body, kept_at, template_version";

    /** A copy as read: deflated in {@code body}, or (kept before changeset 058) in {@code html} and {@code text_body}. */
    private static SentCopy copy(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        byte[] body = rs.getBytes("body");
        String[] parts = body != null ? SentCopyBody.unpack(body)
                : new String[] {rs.getString("html"), rs.getString("text_body")};
        return new SentCopy(rs.getLong("outbox_id"), rs.getString("subject"), parts[0], parts[1],
                rs.getTimestamp("kept_at").toInstant(), rs.getObject("template_version", Integer.class));
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
