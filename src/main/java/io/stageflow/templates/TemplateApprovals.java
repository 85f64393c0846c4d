package io.stageflow.templates;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Requests to publish a template version, and what an approver decided ({@code sf_template_approval}). A request
 * waits (no decision) until it is approved or rejected; a newer request for the same part closes the ones before it,
 * so at most one request per part waits.
 */
@Repository
class TemplateApprovals {

    private static final String SELECT = "select id, template_key, version, requested_by, requested_at, comment,"
            + " decided_by, decided_at, decision, reason from sf_template_approval";

    private final JdbcClient jdbc;
    private final Clock clock;

    TemplateApprovals(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What an approver decided. */
    enum Decision {
        APPROVED, REJECTED
    }

    /** One request: who asked to publish which version, when and why, and (once decided) who decided what. */
    record Request(long id, String key, int version, String requestedBy, Instant requestedAt, String comment,
            String decidedBy, Instant decidedAt, Decision decision, String reason) {

        boolean pending() {
            return decision == null;
        }
    }

    /**
     * Asks for {@code version} of part {@code key} to be published; a request already waiting for that version is
     * kept as it is, and any waiting for another version of the part is closed as rejected, superseded.
     */
    Request ask(String key, int version, String requestedBy, String comment) {
        Optional<Request> waiting = pending(key, version);
        if (waiting.isPresent()) {
            return waiting.get();
        }
        Instant now = clock.instant();
        jdbc.sql("update sf_template_approval set decided_by = ?, decided_at = ?, decision = ?, reason = ?"
                        + " where template_key = ? and decision is null")
                .params(truncate(requestedBy, 100), Timestamp.from(now), Decision.REJECTED.name(),
                        "superseded: version " + version + " was asked for", key)
                .update();
        jdbc.sql("insert into sf_template_approval (template_key, version, requested_by, requested_at, comment)"
                        + " values (?, ?, ?, ?, ?)")
                .params(key, version, truncate(requestedBy, 100), Timestamp.from(now),
                        comment == null || comment.isBlank() ? null : truncate(comment.strip(), 500))
                .update();
        return pending(key, version).orElseThrow();
    }

    /** The request waiting for {@code version} of {@code key}, if any. */
    Optional<Request> pending(String key, int version) {
        return jdbc.sql(SELECT + " where template_key = ? and version = ? and decision is null order by id desc")
                .params(key, version).query(TemplateApprovals::request).list().stream().findFirst();
    }

    /** Every request still waiting, oldest first. */
    List<Request> pending() {
        return jdbc.sql(SELECT + " where decision is null order by requested_at, id")
                .query(TemplateApprovals::request).list();
    }

    /** The requests for {@code version} of {@code key}, newest first. */
    List<Request> of(String key, int version) {
        return jdbc.sql(SELECT + " where template_key = ? and version = ? order by id desc")
                .params(key, version).query(TemplateApprovals::request).list();
    }

    /** Records the decision on a waiting request; false when it was decided meanwhile. */
    boolean decide(long id, Decision decision, String decidedBy, String reason) {
        return jdbc.sql("update sf_template_approval set decided_by = ?, decided_at = ?, decision = ?, reason = ?"
                        + " where id = ? and decision is null")
                .params(truncate(decidedBy, 100), Timestamp.from(clock.instant()), decision.name(),
                        reason == null ? null : truncate(reason.strip(), 500), id)
                .update() > 0;
    }


    private static String truncate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }

    private static Request request(ResultSet rs, int row) throws SQLException {
        Timestamp decidedAt = rs.getTimestamp(8);
        String decision = rs.getString(9);
        return new Request(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getString(7),
                decidedAt == null ? null : decidedAt.toInstant(), decision == null ? null : Decision.valueOf(decision),
                rs.getString(10));
    }
}
