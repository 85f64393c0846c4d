package io.stageflow.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.stageflow.support.DatabaseTimestamps;
import io.stageflow.support.JsonText;
import io.stageflow.support.MultiRowInsert;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The durable event log and the router's work queue. Every method is a single statement, except
 * {@link #appendAll} and {@link #insertAll}; the caller's transaction decides what commits together.
 */
@Repository
public class EventStore {

    private static final int OUTCOME_MAX = 1000;

    private static final MultiRowInsert INSERT = new MultiRowInsert("""
            insert into sf_event (message_id, type, customer_id, occurred_at, received_at, properties,
                                  status, attempts, next_attempt_at, routed_at, outcome)
            values""", "(?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)");
    /** Stores an event as the router will find it: pending. */
    static final java.util.function.Predicate<String> NONE_INERT = type -> false;

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final JsonText json;
    private final DatabaseTimestamps timestamps;

    EventStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, JsonText json, DatabaseTimestamps timestamps) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.json = json;
        this.timestamps = timestamps;
    }

    /** Inserts the event; false when its messageId was accepted before. */
    boolean append(IncomingEvent event, Instant receivedAt) {
        return append(event, receivedAt, NONE_INERT);
    }

    /** {@link #append(IncomingEvent, Instant)}, stored as routed at once when its type is {@code inert}. */
    private boolean append(IncomingEvent event, Instant receivedAt, java.util.function.Predicate<String> inert) {
        try {
            jdbc.sql(INSERT.single()).params(values(event, receivedAt, inert)).update();
            return true;
        } catch (DuplicateKeyException alreadyAccepted) {
            return false;
        }
    }

    /**
     * Inserts the events with one JDBC batch, in the caller's transaction; for each event, whether it was new.
     * An event is not new when its messageId was accepted before or appears earlier in the list. The messageIds
     * already stored are looked up with one query first; should a concurrent request store one of the rest in
     * between, {@link #insertAll} falls back to inserting them one by one.
     */
    boolean[] appendAll(List<IncomingEvent> events, Instant receivedAt) {
        return appendAll(events, receivedAt, NONE_INERT, true);
    }

    /**
     * {@link #appendAll(List, Instant)} for events Stageflow observed itself (a batch of opens and clicks), the events
     * of the types {@code inert} says nothing acts on stored as routed at once ({@link EventInterest}). Their
     * messageIds are made from what was observed, once (an email's first open, under its row's lock), so they are
     * not looked up first: the batch is inserted at once, and should one have been stored before after all, the
     * batch falls back to one insert per event as with a concurrent request.
     */
    boolean[] appendObserved(List<IncomingEvent> events, Instant receivedAt,
            java.util.function.Predicate<String> inert) {
        return appendAll(events, receivedAt, inert, false);
    }

    private boolean[] appendAll(List<IncomingEvent> events, Instant receivedAt,
            java.util.function.Predicate<String> inert, boolean lookUpFirst) {
        boolean[] accepted = new boolean[events.size()];
        if (events.size() == 1) {
            accepted[0] = append(events.get(0), receivedAt, inert); // one round trip, as before batching
            return accepted;
        }
        Set<String> seen = new HashSet<>();
        List<Integer> firsts = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (seen.add(events.get(i).messageId())) {
                firsts.add(i);
            }
        }
        Set<String> stored = lookUpFirst ? existingMessageIds(seen) : Set.of();
        List<Integer> fresh = firsts.stream().filter(i -> !stored.contains(events.get(i).messageId())).toList();
        boolean[] inserted = insertAll(fresh.stream().map(events::get).toList(), receivedAt, inert);
        for (int i = 0; i < fresh.size(); i++) {
            accepted[fresh.get(i)] = inserted[i];
        }
        return accepted;
    }

    /**
     * Inserts events whose messageIds were not stored a moment ago, with multi-row inserts ({@link MultiRowInsert});
     * for each, whether it was new. When a statement hits a messageId stored since (a concurrent request), its
     * events are inserted one by one, each reported as it would have been without batching.
     */
    boolean[] insertAll(List<IncomingEvent> events, Instant receivedAt) {
        return insertAll(events, receivedAt, NONE_INERT);
    }

    private boolean[] insertAll(List<IncomingEvent> events, Instant receivedAt,
            java.util.function.Predicate<String> inert) {
        List<Object[]> rows = events.stream().map(event -> values(event, receivedAt, inert)).toList();
        return INSERT.insert(jdbcTemplate, rows, i -> append(events.get(i), receivedAt, inert));
    }

    /** Of these messageIds, the ones already stored. */
    Set<String> existingMessageIds(Set<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("select message_id from sf_event where message_id in (:ids)")
                .param("ids", messageIds).query(String.class).list());
    }

    private Object[] values(IncomingEvent event, Instant receivedAt, java.util.function.Predicate<String> inert) {
        Instant occurredAt = event.timestamp() == null ? receivedAt : event.timestamp().toInstant();
        Object received = timestamps.of(receivedAt);
        boolean routed = inert.test(event.type());
        return new Object[] {event.messageId(), event.type(), event.customerId(), timestamps.of(occurredAt),
                received, json.write(event.properties()), routed ? "ROUTED" : "PENDING", received,
                routed ? received : null, routed ? EventInterest.NOTHING_ACTS_ON_IT : null};
    }

    /**
     * One page of the stored history that a journey simulation replays: events of these types that occurred in
     * {@code [from, to)}, of one customer or of all ({@code customerId} null), oldest first by occurrence and then
     * id, after the cursor {@code (afterOccurredAt, afterId)} (null: from the start). Reads only.
     */
    public List<StoredEvent> history(Collection<String> types, Instant from, Instant to, String customerId,
            Instant afterOccurredAt, long afterId, int limit) {
        if (types.isEmpty()) {
            return List.of();
        }
        Instant after = afterOccurredAt == null ? from.minusMillis(1) : afterOccurredAt;
        return jdbc.sql("select * from sf_event where type in (:types) and occurred_at >= :from and occurred_at < :to"
                        + (customerId == null ? "" : " and customer_id = :customer")
                        + " and (occurred_at > :after or (occurred_at = :after and id > :afterId))"
                        + " order by occurred_at, id limit :limit")
                .param("types", types).param("from", timestamps.of(from)).param("to", timestamps.of(to))
                .param("customer", customerId).param("after", timestamps.of(after)).param("afterId", afterId)
                .param("limit", limit).query(this::map).list();
    }

    /** How many events {@link #history} would return over the whole period, for a replay's progress. */
    public long countHistory(Collection<String> types, Instant from, Instant to, String customerId) {
        if (types.isEmpty()) {
            return 0;
        }
        return jdbc.sql("select count(*) from sf_event where type in (:types) and occurred_at >= :from"
                        + " and occurred_at < :to" + (customerId == null ? "" : " and customer_id = :customer"))
                .param("types", types).param("from", timestamps.of(from)).param("to", timestamps.of(to))
                .param("customer", customerId).query(Long.class).single();
    }

    /** The customers with events of these types in {@code [from, to)}, each once, in no particular order. */
    public List<String> customersInHistory(Collection<String> types, Instant from, Instant to) {
        if (types.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select distinct customer_id from sf_event where type in (:types) and occurred_at >= :from"
                        + " and occurred_at < :to")
                .param("types", types).param("from", timestamps.of(from)).param("to", timestamps.of(to))
                .query(String.class).list();
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

    /** The customer's latest events, newest first, at most {@code limit}: their timeline. */
    public List<StoredEvent> latestOf(String customerId, int limit) {
        return jdbc.sql("select * from sf_event where customer_id = ? order by id desc limit ?")
                .params(customerId, limit).query(this::map).list();
    }

    public Optional<StoredEvent> findByMessageId(String messageId) {
        return jdbc.sql("select * from sf_event where message_id = ?").param(messageId).query(this::map).optional();
    }

    /**
     * The events with these messageIds, by messageId, with one query per thousand ids (a wave of emails asks for the
     * events that led to them); ids of no stored event (erased with their customer) are missing.
     */
    public Map<String, StoredEvent> findByMessageIds(Collection<String> messageIds) {
        Map<String, StoredEvent> found = new HashMap<>();
        List<String> ids = List.copyOf(new LinkedHashSet<>(messageIds));
        for (int from = 0; from < ids.size(); from += 1000) {
            jdbc.sql("select * from sf_event where message_id in (:ids)")
                    .param("ids", ids.subList(from, Math.min(ids.size(), from + 1000))).query(this::map).list()
                    .forEach(event -> found.put(event.messageId(), event));
        }
        return found;
    }

    /**
     * Ids of pending events that are due, oldest first. An event waits while an older event of the same
     * customer is still pending, so each customer's events reach the journeys in the order they arrived.
     */
    public List<DueEvent> findDue(Instant now, int limit) {
        return jdbc.sql("""
                select e.id, e.type from sf_event e
                where e.status = 'PENDING' and e.next_attempt_at <= :now
                  and not exists (select 1 from sf_event older
                                  where older.customer_id = e.customer_id and older.status = 'PENDING'
                                    and older.id < e.id)
                order by e.id
                limit :limit""")
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query((rs, row) -> new DueEvent(rs.getLong("id"), rs.getString("type")))
                .list();
    }

    /** A pending event that is due, and its type: enough to tell whether anything listens for it. */
    public record DueEvent(long id, String type) {
    }

    /**
     * Marks pending events routed in one statement, without claiming each first: for events nothing acts on.
     * An event another node has claimed meanwhile is left to that node (the update waits for its transaction
     * and then no longer matches). The number marked.
     */
    public int markRoutedUnclaimed(Collection<Long> ids, Instant now, String outcome) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.sql("""
                update sf_event set status = 'ROUTED', attempts = attempts + 1, routed_at = :now, outcome = :outcome
                where id in (:ids) and status = 'PENDING'""")
                .param("now", Timestamp.from(now)).param("outcome", truncate(outcome)).param("ids", ids).update();
    }

    /**
     * Locks a pending event for the caller's transaction. Empty when another node routed it meanwhile: the locking
     * read waits for that node's transaction and then finds the event no longer pending. The lock is taken through
     * the primary key alone, as every later change of the row takes it: a conditional update ({@code where id = ?
     * and status = 'PENDING'}) was sometimes read through {@code ix_sf_event_pending}, locking that entry first, and
     * deadlocked with the node that held the row and was changing the entry (docs/reliability.md).
     */
    public Optional<StoredEvent> claim(long id, Instant now) {
        Optional<StoredEvent> pending = jdbc.sql("select * from sf_event where id = ? for update").param(id)
                .query(this::map).optional().filter(event -> event.status() == EventStatus.PENDING);
        pending.ifPresent(event -> jdbc.sql("update sf_event set claimed_at = ? where id = ?")
                .params(Timestamp.from(now), id).update());
        return pending;
    }

    public void markRouted(long id, Instant now, String outcome) {
        finish(id, EventStatus.ROUTED, now, outcome);
    }

    public void markUnmatched(long id, Instant now, String outcome) {
        finish(id, EventStatus.UNMATCHED, now, outcome);
    }

    public void markDeadLettered(long id, Instant now, String outcome) {
        finish(id, EventStatus.DEAD_LETTERED, now, outcome);
    }

    /** Dead-lettered events, oldest first, from the one after {@code afterId} on: a page of the operators' list. */
    List<StoredEvent> findDeadLettered(long afterId, int limit) {
        return jdbc.sql("select * from sf_event where status = 'DEAD_LETTERED' and id > ? order by id limit ?")
                .params(afterId, limit).query(this::map).list();
    }

    long countDeadLettered() {
        return jdbc.sql("select count(*) from sf_event where status = 'DEAD_LETTERED'").query(Long.class).single();
    }

    /**
     * Puts a dead-lettered event back in the router's queue, due now, with a fresh count of attempts; false when
     * no dead-lettered event has this messageId.
     */
    boolean requeueDeadLettered(String messageId, Instant now, String outcome) {
        return jdbc.sql("""
                update sf_event set status = 'PENDING', attempts = 0, routing_failures = 0, next_attempt_at = ?,
                                    claimed_at = null, routed_at = null, outcome = ?
                where message_id = ? and status = 'DEAD_LETTERED'""")
                .params(Timestamp.from(now), truncate(outcome), messageId).update() == 1;
    }

    /**
     * Keeps the event pending and tries it again at {@code nextAttemptAt}: held back, for a journey that will wait for
     * it soon. An attempt, not a failure.
     */
    public void holdUntil(long id, Instant nextAttemptAt, String outcome) {
        jdbc.sql("update sf_event set attempts = attempts + 1, next_attempt_at = ?, outcome = ? where id = ?")
                .params(Timestamp.from(nextAttemptAt), truncate(outcome), id).update();
    }

    /** Keeps the event pending after a failed attempt, and tries it again at {@code nextAttemptAt}. */
    public void retryAfterFailureAt(long id, Instant nextAttemptAt, String outcome) {
        jdbc.sql("""
                update sf_event set attempts = attempts + 1, routing_failures = routing_failures + 1,
                                    next_attempt_at = ?, outcome = ?
                where id = ?""")
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
                rs.getInt("routing_failures"),
                rs.getString("outcome"));
    }
}
