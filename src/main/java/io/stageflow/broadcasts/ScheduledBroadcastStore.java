package io.stageflow.broadcasts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code sf_scheduled_broadcast}: the schedule, and the conditional updates that let exactly one node claim a due
 * broadcast. Each update is a statement of its own (its own transaction when the caller has none), and its row
 * count says whether this caller won.
 */
@Repository
class ScheduledBroadcastStore {

    private static final String COLUMNS = "id, segment_key, template_key, category, name, scheduled_at, status,"
            + " job_execution_id, last_error, created_by, created_at";

    private final JdbcClient jdbc;

    ScheduledBroadcastStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Broadcasts.BroadcastRequest request, Instant scheduledAt, String createdBy, Instant now) {
        jdbc.sql("insert into sf_scheduled_broadcast (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, null, null, ?, ?)")
                .params(request.id(), request.segment(), request.template(), request.category().toUpperCase(Locale.ROOT),
                        request.name(), Timestamp.from(scheduledAt), ScheduledBroadcast.SCHEDULED, createdBy,
                        Timestamp.from(now))
                .update();
    }

    Optional<ScheduledBroadcast> find(String id) {
        return jdbc.sql("select " + COLUMNS + " from sf_scheduled_broadcast where id = ?").param(id)
                .query(ScheduledBroadcastStore::row).optional();
    }

    /** The waiting ones, soonest first, then the others, latest first; at most {@code limit}. */
    List<ScheduledBroadcast> list(String status, int limit) {
        if (status != null) {
            return jdbc.sql("select " + COLUMNS + " from sf_scheduled_broadcast where status = ? order by scheduled_at"
                    + (ScheduledBroadcast.SCHEDULED.equals(status) ? "" : " desc") + ", id limit ?")
                    .params(status, limit).query(ScheduledBroadcastStore::row).list();
        }
        List<ScheduledBroadcast> waiting = list(ScheduledBroadcast.SCHEDULED, limit);
        List<ScheduledBroadcast> others = jdbc.sql("select " + COLUMNS + " from sf_scheduled_broadcast where status <> ?"
                        + " order by scheduled_at desc, id limit ?")
                .params(ScheduledBroadcast.SCHEDULED, Math.max(0, limit - waiting.size()))
                .query(ScheduledBroadcastStore::row).list();
        return java.util.stream.Stream.concat(waiting.stream(), others.stream()).toList();
    }

    /** Ids of broadcasts whose time has come, soonest first. */
    List<String> due(Instant now, int limit) {
        return jdbc.sql("select id from sf_scheduled_broadcast where status = ? and scheduled_at <= ? order by scheduled_at, id limit ?")
                .params(ScheduledBroadcast.SCHEDULED, Timestamp.from(now), limit).query(String.class).list();
    }

    /** Ids of broadcasts claimed before {@code claimedBefore} whose job was never launched (their node died). */
    List<String> abandoned(Instant claimedBefore, int limit) {
        return jdbc.sql("select id from sf_scheduled_broadcast where status = ? and launched_at is null and claimed_at < ?"
                        + " order by claimed_at, id limit ?")
                .params(ScheduledBroadcast.STARTED, Timestamp.from(claimedBefore), limit).query(String.class).list();
    }

    /** Claims a due broadcast; true for exactly one caller. */
    boolean claim(String id, Instant now) {
        return jdbc.sql("update sf_scheduled_broadcast set status = ?, claimed_at = ?"
                        + " where id = ? and status = ? and scheduled_at <= ?")
                .params(ScheduledBroadcast.STARTED, Timestamp.from(now), id, ScheduledBroadcast.SCHEDULED,
                        Timestamp.from(now))
                .update() == 1;
    }

    /** Claims an abandoned claim again; true for exactly one caller. */
    boolean reclaim(String id, Instant claimedBefore, Instant now) {
        return jdbc.sql("update sf_scheduled_broadcast set claimed_at = ?"
                        + " where id = ? and status = ? and launched_at is null and claimed_at < ?")
                .params(Timestamp.from(now), id, ScheduledBroadcast.STARTED, Timestamp.from(claimedBefore))
                .update() == 1;
    }

    void launched(String id, long jobExecutionId, Instant now) {
        jdbc.sql("update sf_scheduled_broadcast set launched_at = ?, job_execution_id = ? where id = ?")
                .params(Timestamp.from(now), jobExecutionId, id).update();
    }

    void failed(String id, String reason, Instant now) {
        jdbc.sql("update sf_scheduled_broadcast set status = ?, launched_at = ?, last_error = ? where id = ?")
                .params(ScheduledBroadcast.FAILED, Timestamp.from(now),
                        reason.length() > 500 ? reason.substring(0, 500) : reason, id)
                .update();
    }

    /** Cancels a waiting broadcast; false when it is not waiting (started, cancelled, or unknown). */
    boolean cancel(String id) {
        return jdbc.sql("update sf_scheduled_broadcast set status = ? where id = ? and status = ?")
                .params(ScheduledBroadcast.CANCELLED, id, ScheduledBroadcast.SCHEDULED).update() == 1;
    }

    private static ScheduledBroadcast row(ResultSet rs, int n) throws SQLException {
        long launched = rs.getLong("job_execution_id");
        Long execution = rs.wasNull() ? null : launched;
        return new ScheduledBroadcast(rs.getString("id"), rs.getString("segment_key"), rs.getString("template_key"),
                rs.getString("category").toLowerCase(Locale.ROOT), rs.getString("name"),
                rs.getTimestamp("scheduled_at").toInstant(), rs.getString("status"),
                execution, rs.getString("last_error"), rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant());
    }
}
