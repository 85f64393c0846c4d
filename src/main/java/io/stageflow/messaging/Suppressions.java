package io.stageflow.messaging;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Locale;

import io.stageflow.support.Sha256;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Addresses that must not be mailed, known only by a hash: an erased customer's address stays suppressed without
 * Stageflow keeping the address itself.
 */
@Repository
class Suppressions {

    private final JdbcClient jdbc;
    private final Clock clock;

    Suppressions(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void suppress(String email, String reason) {
        try {
            jdbc.sql("insert into sf_suppression (email_hash, reason, created_at) values (?, ?, ?)")
                    .params(hash(email), reason, Timestamp.from(clock.instant())).update();
        } catch (DuplicateKeyException alreadySuppressed) {
            // suppressed before: nothing to add
        }
    }

    /** The reason this address is suppressed, or null. */
    String reasonFor(String email) {
        return jdbc.sql("select reason from sf_suppression where email_hash = ?").param(hash(email))
                .query(String.class).optional().orElse(null);
    }

    static String hash(String email) {
        return Sha256.hex(email.strip().toLowerCase(Locale.ROOT));
    }
}
