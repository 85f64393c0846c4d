package io.stageflow.messaging;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL over {@code sf_outbox}. Each state change is a conditional update, so two dispatchers never both win. */
@Repository
class OutboxStore {

    private static final int TEXT_MAX = 1000;

    private final JdbcClient jdbc;

    OutboxStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the row; a {@code DuplicateKeyException} means this idempotency key was queued before. */
    void insert(EmailRequest request, Instant now) {
        jdbc.sql("""
                insert into sf_outbox (idempotency_key, customer_id, template_key, category, journey_key,
                                       journey_instance_id, step_id, status, attempts, next_attempt_at, created_at,
                                       respect_quiet_hours)
                values (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)""")
                .params(request.idempotencyKey(), request.customerId(), request.templateKey(),
                        request.category().name(), request.journeyKey(), request.journeyInstanceId(),
                        request.stepId(), Timestamp.from(now), Timestamp.from(now), request.respectQuietHours())
                .update();
    }

    List<Long> findDue(Instant now, int limit) {
        return jdbc.sql("""
                select id from sf_outbox where status in ('PENDING', 'DEFERRED') and next_attempt_at <= ?
                order by id limit ?""")
                .params(Timestamp.from(now), limit).query(Long.class).list();
    }

    /** Takes the row for delivery; false when another dispatcher took it first. */
    boolean claim(long id, Instant now, Instant leaseUntil) {
        return jdbc.sql("""
                update sf_outbox set status = 'SENDING', attempts = attempts + 1, lease_until = ?
                where id = ? and status in ('PENDING', 'DEFERRED') and next_attempt_at <= ?""")
                .params(Timestamp.from(leaseUntil), id, Timestamp.from(now)).update() == 1;
    }

    /**
     * Takes a row that was given up for one more attempt, asked for by an operator (retrying the journey's
     * incident); false when it is not failed, for example because that retry already delivered it.
     */
    boolean claimFailed(long id, Instant leaseUntil) {
        return jdbc.sql("""
                update sf_outbox set status = 'SENDING', attempts = attempts + 1, lease_until = ?
                where id = ? and status = 'FAILED'""")
                .params(Timestamp.from(leaseUntil), id).update() == 1;
    }

    OutboxStatus statusOf(long id) {
        return OutboxStatus.valueOf(jdbc.sql("select status from sf_outbox where id = ?").param(id)
                .query(String.class).single());
    }

    Optional<OutboxEntry> find(long id) {
        return jdbc.sql("select * from sf_outbox where id = ?").param(id)
                .query((rs, row) -> new OutboxEntry(
                        rs.getLong("id"),
                        rs.getString("idempotency_key"),
                        rs.getString("customer_id"),
                        rs.getString("template_key"),
                        EmailCategory.valueOf(rs.getString("category")),
                        rs.getString("journey_key"),
                        rs.getString("journey_instance_id"),
                        rs.getString("step_id"),
                        rs.getInt("attempts"),
                        rs.getBoolean("respect_quiet_hours")))
                .optional();
    }

    /**
     * When this customer's marketing emails went out (or, still in flight, passed the pacing check) since
     * {@code since}, oldest first, leaving out the row being decided.
     */
    List<Instant> marketingSendTimes(String customerId, Instant since, long exceptId) {
        return jdbc.sql("""
                select sent_at from sf_outbox
                where customer_id = ? and category = 'MARKETING' and status in ('SENT', 'SENDING') and sent_at > ?
                  and id <> ?
                order by sent_at""")
                .params(customerId, Timestamp.from(since), exceptId)
                .query((rs, row) -> rs.getTimestamp(1).toInstant()).list();
    }

    /**
     * Erasure: cancels whatever has not been sent yet and strips the rows of who they were for, keeping them for
     * the journey statistics under {@code anonymousId}.
     */
    void cancelAndAnonymise(String customerId, String anonymousId) {
        jdbc.sql("""
                update sf_outbox
                set status = case when status in ('PENDING', 'DEFERRED', 'SENDING') then 'SKIPPED' else status end,
                    customer_id = ?, recipient = null, subject = null, last_error = null
                where customer_id = ?""")
                .params(anonymousId, customerId).update();
    }

    /** The customer's emails, newest first. */
    List<MessageLogEntry> findByCustomer(String customerId) {
        return jdbc.sql("select * from sf_outbox where customer_id = ? order by id desc").param(customerId)
                .query((rs, row) -> new MessageLogEntry(
                        rs.getLong("id"),
                        rs.getString("template_key"),
                        rs.getString("category").toLowerCase(Locale.ROOT),
                        rs.getString("journey_key"),
                        rs.getString("journey_instance_id"),
                        rs.getString("step_id"),
                        rs.getString("status").toLowerCase(Locale.ROOT),
                        rs.getInt("attempts"),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getString("status").matches("PENDING|DEFERRED") ? rs.getTimestamp("next_attempt_at").toInstant() : null,
                        rs.getTimestamp("sent_at") == null ? null : rs.getTimestamp("sent_at").toInstant(),
                        rs.getString("recipient"),
                        rs.getString("subject"),
                        rs.getString("last_error")))
                .list();
    }

    void markSent(long id, Instant now, String recipient, String subject, String messageIdHeader) {
        jdbc.sql("""
                update sf_outbox set status = 'SENT', sent_at = ?, recipient = ?, subject = ?, message_id_header = ?,
                                     lease_until = null, last_error = null
                where id = ? and status = 'SENDING'""")
                .params(Timestamp.from(now), recipient, truncate(subject), messageIdHeader, id).update();
    }

    /** Holds the row back until {@code until}; a deferral is not a failed attempt, so it does not count as one. */
    void defer(long id, Instant until, String reason) {
        jdbc.sql("""
                update sf_outbox set status = 'DEFERRED', next_attempt_at = ?, attempts = attempts - 1, lease_until = null,
                                     last_error = ?
                where id = ? and status = 'SENDING'""")
                .params(Timestamp.from(until), truncate(reason), id).update();
    }

    /** Counts the claimed row towards the customer's frequency cap from now on, even while it is being sent. */
    void reserveSendTime(long id, Instant now) {
        jdbc.sql("update sf_outbox set sent_at = ? where id = ? and status = 'SENDING'").params(Timestamp.from(now), id)
                .update();
    }

    void retryAt(long id, Instant nextAttemptAt, String error) {
        jdbc.sql("""
                update sf_outbox set status = 'PENDING', next_attempt_at = ?, lease_until = null, sent_at = null,
                                     last_error = ?
                where id = ? and status = 'SENDING'""")
                .params(Timestamp.from(nextAttemptAt), truncate(error), id).update();
    }

    void finish(long id, OutboxStatus status, String reason) {
        jdbc.sql("update sf_outbox set status = ?, lease_until = null, last_error = ? where id = ? and status = 'SENDING'")
                .params(status.name(), truncate(reason), id).update();
    }

    /**
     * Rows whose dispatcher stopped mid-delivery. The mail server may have accepted them, so they are failed
     * rather than sent again: a lost email is visible in the outbox, a duplicate cannot be taken back.
     */
    int failAbandonedDeliveries(Instant now) {
        return jdbc.sql("""
                update sf_outbox set status = 'OUTCOME_UNKNOWN', lease_until = null,
                       last_error = 'Delivery outcome unknown: the dispatcher stopped while sending; not resent to avoid a duplicate'
                where status = 'SENDING' and lease_until < ?""")
                .param(Timestamp.from(now)).update();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= TEXT_MAX ? text : text.substring(0, TEXT_MAX);
    }
}
