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

    /** Why an address is suppressed. Only an unsubscribe still lets transactional email through. */
    enum Reason {
        UNSUBSCRIBED, ERASED;

        boolean blocks(EmailCategory category) {
            return this != UNSUBSCRIBED || category == EmailCategory.MARKETING;
        }
    }

    void suppress(String email, Reason reason) {
        suppressHash(hash(email), reason);
    }

    /** Adds the hash; a stronger reason (erased) replaces a weaker one (unsubscribed), never the other way. */
    void suppressHash(String emailHash, Reason reason) {
        try {
            jdbc.sql("insert into sf_suppression (email_hash, reason, created_at) values (?, ?, ?)")
                    .params(emailHash, reason.name(), Timestamp.from(clock.instant())).update();
        } catch (DuplicateKeyException alreadySuppressed) {
            if (reason == Reason.ERASED) {
                jdbc.sql("update sf_suppression set reason = ? where email_hash = ?").params(reason.name(), emailHash)
                        .update();
            }
        }
    }

    /** Why this address may not receive email of this category, or null when it may. */
    Reason blockingReason(String email, EmailCategory category) {
        return jdbc.sql("select reason from sf_suppression where email_hash = ?").param(hash(email))
                .query(String.class).optional().map(Reason::valueOf)
                .filter(reason -> reason.blocks(category)).orElse(null);
    }

    static String hash(String email) {
        return Sha256.hex(email.strip().toLowerCase(Locale.ROOT));
    }
}
