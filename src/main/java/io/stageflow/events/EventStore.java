package io.stageflow.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.stageflow.support.JsonText;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The durable event log and the router's work queue. Every method is a single statement; the caller's
 * transaction decides what commits together.
 */
@Repository
public class EventStore {

    private static final int OUTCOME_MAX = 1000;

    private final JdbcClient jdbc;
    private final JsonText json;

    EventStore(JdbcClient jdbc, JsonText json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Inserts the event; a {@code DuplicateKeyException} means its messageId was accepted before. */
    void append(IncomingEvent event, Instant occurredAt, Instant receivedAt) {
        jdbc.sql("""
                insert into sf_event (message_id, type, customer_id, occurred_at, received_at, properties,
                                      status, attempts, next_attempt_at)
                values (?, ?, ?, ?, ?, ?, 'PENDING', 0, ?)""")
                .params(event.messageId(), event.type(), event.customerId(), Timestamp.from(occurredAt),
                        Timestamp.from(receivedAt), json.write(event.properties()), Timestamp.from(receivedAt))
                .update();
    }

    /** A customer's events, oldest first. */
    List<StoredEvent> findByCustomer(String customerId) {
        return jdbc.sql("select * from sf_event where customer_id = ? order by id").param(customerId)
                .query(this::map).list();
    }

    /** Erasure: the customer's events go entirely. */
    void deleteByCustomer(String customerId) {
        jdbc.sql("delete from sf_event where customer_id = ?").param(customerId).update();
    }

    /** Moves a merged-away customer's events to the profile they were merged into. */
    void reassignCustomer(String fromId, String intoId) {
        jdbc.sql("update sf_event set customer_id = ? where customer_id = ?").params(intoId, fromId).update();
    }

    public Optional<StoredEvent> findByMessageId(String messageId) {
        return jdbc.sql("select * from sf_event where message_id = ?").param(messageId).query(this::map).optional();
    }

    /**
     * Ids of pending events that are due, oldest first. An event waits while an older event of the same
     * customer is still pending, so each customer's events reach the journeys in the order they arrived.
     */
    public List<Long> findDue(Instant now, int limit) {
        return jdbc.sql("""
                select e.id from sf_event e
                where e.status = 'PENDING' and e.next_attempt_at <= :now
                  and not exists (select 1 from sf_event older
                                  where older.customer_id = e.customer_id and older.status = 'PENDING'
                                    and older.id < e.id)
                order by e.id
                limit :limit""")
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    /**
     * Locks a pending event for the caller's transaction. Empty when another node routed it meanwhile:
     * the conditional update waits for that node's transaction and then matches no row.
     */
    public Optional<StoredEvent> claim(long id, Instant now) {
        int claimed = jdbc.sql("update sf_event set claimed_at = ? where id = ? and status = 'PENDING'")
                .params(Timestamp.from(now), id).update();
        if (claimed == 0) {
            return Optional.empty();
        }
        return jdbc.sql("select * from sf_event where id = ?").param(id).query(this::map).optional();
    }

    public void markRouted(long id, Instant now, String outcome) {
        finish(id, EventStatus.ROUTED, now, outcome);
    }

    public void markUnmatched(long id, Instant now, String outcome) {
        finish(id, EventStatus.UNMATCHED, now, outcome);
    }

    public void markFailed(long id, Instant now, String outcome) {
        finish(id, EventStatus.FAILED, now, outcome);
    }

    /** Keeps the event pending and tries it again at {@code nextAttemptAt}. */
    public void retryAt(long id, Instant nextAttemptAt, String outcome) {
        jdbc.sql("update sf_event set attempts = attempts + 1, next_attempt_at = ?, outcome = ? where id = ?")
                .params(Timestamp.from(nextAttemptAt), truncate(outcome), id).update();
    }

    private void finish(long id, EventStatus status, Instant now, String outcome) {
        jdbc.sql("update sf_event set status = ?, attempts = attempts + 1, routed_at = ?, outcome = ? where id = ?")
                .params(status.name(), Timestamp.from(now), truncate(outcome), id).update();
    }

    private static String truncate(String outcome) {
        return outcome == null || outcome.length() <= OUTCOME_MAX ? outcome : outcome.substring(0, OUTCOME_MAX);
    }

    private StoredEvent map(ResultSet rs, int row) throws SQLException {
        return new StoredEvent(
                rs.getLong("id"),
                rs.getString("message_id"),
                rs.getString("type"),
                rs.getString("customer_id"),
                rs.getTimestamp("occurred_at").toInstant(),
                rs.getTimestamp("received_at").toInstant(),
                json.read(rs.getString("properties")),
                EventStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getString("outcome"));
    }
}
