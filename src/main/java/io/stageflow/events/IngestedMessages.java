package io.stageflow.events;

import java.sql.Timestamp;
import java.time.Instant;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Remembers the messageIds of tracking calls that are not stored as events (identify, alias). */
@Repository
class IngestedMessages {

    private final JdbcClient jdbc;

    IngestedMessages(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the messageId in the caller's transaction; false when it was seen before. */
    boolean firstTime(String messageId, String kind, Instant now) {
        try {
            jdbc.sql("insert into sf_ingested_message (message_id, kind, received_at) values (?, ?, ?)")
                    .params(messageId, kind, Timestamp.from(now)).update();
            return true;
        } catch (DuplicateKeyException seenBefore) {
            return false;
        }
    }
}
