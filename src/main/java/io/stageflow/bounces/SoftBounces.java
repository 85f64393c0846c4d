package io.stageflow.bounces;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Soft bounces per address (known by its suppression hash), to tell a mailbox that was full once from one that keeps
 * refusing: one email counts once however often its bounce is reported, and rows older than the window go.
 */
@Repository
class SoftBounces {

    private final JdbcClient jdbc;

    SoftBounces(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Counts a soft bounce of the email (null: one no report named) and returns the address's count in the window. */
    int count(String emailHash, Long outboxId, Instant at, Duration window) {
        Instant since = at.minus(window);
        jdbc.sql("delete from sf_soft_bounce where email_hash = ? and reported_at < ?")
                .params(emailHash, Timestamp.from(since)).update();
        try {
            jdbc.sql("insert into sf_soft_bounce (email_hash, outbox_id, reported_at) values (?, ?, ?)")
                    .params(emailHash, outboxId, Timestamp.from(at)).update();
        } catch (DuplicateKeyException reportedBefore) {
            // The same email's bounce, reported again: it still counts once.
        }
        return jdbc.sql("select count(*) from sf_soft_bounce where email_hash = ? and reported_at >= ?")
                .params(emailHash, Timestamp.from(since)).query(Integer.class).single();
    }

    /** The address's soft bounces, for an export of the customer's data. */
    java.util.List<Instant> of(String emailHash) {
        return jdbc.sql("select reported_at from sf_soft_bounce where email_hash = ? order by reported_at")
                .param(emailHash).query((rs, row) -> rs.getTimestamp(1).toInstant()).list();
    }

    /** Forgets the address's soft bounces (an erasure). */
    void forget(String emailHash) {
        jdbc.sql("delete from sf_soft_bounce where email_hash = ?").param(emailHash).update();
    }
}
