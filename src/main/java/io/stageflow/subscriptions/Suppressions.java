package io.stageflow.subscriptions;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.stageflow.support.Sha256;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Addresses that must not be mailed, known only by a hash: an erased customer's address stays suppressed without
 * Stageflow keeping the address itself.
 */
@Repository
public class Suppressions {

    private final JdbcClient jdbc;
    private final Clock clock;

    Suppressions(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Why an address is suppressed, weakest first. An unsubscribe or a spam complaint stops marketing email;
     * transactional email (receipts, password resets) still reaches the person. A bounced or erased address
     * gets nothing.
     */
    public enum Reason {
        UNSUBSCRIBED, COMPLAINED, BOUNCED, ERASED;

        /** Whether it stops email of this category. */
        public boolean blocks(EmailCategory category) {
            return this == BOUNCED || this == ERASED || category == EmailCategory.MARKETING;
        }

        /** Whether the person can undo it themselves, by choosing marketing email again on the preference page. */
        boolean isChoice() {
            return this == UNSUBSCRIBED || this == COMPLAINED;
        }
    }

    public void suppress(String email, Reason reason) {
        suppressHash(hash(email), reason);
    }

    /** Adds the hash; a stronger reason (erased) replaces a weaker one (unsubscribed), never the other way. */
    void suppressHash(String emailHash, Reason reason) {
        try {
            jdbc.sql("insert into sf_suppression (email_hash, reason, created_at) values (?, ?, ?)")
                    .params(emailHash, reason.name(), Timestamp.from(clock.instant())).update();
        } catch (DuplicateKeyException alreadySuppressed) {
            List<String> weaker = Arrays.stream(Reason.values()).filter(r -> r.ordinal() < reason.ordinal())
                    .map(Reason::name).toList();
            if (!weaker.isEmpty()) {
                jdbc.sql("update sf_suppression set reason = :reason where email_hash = :hash and reason in (:weaker)")
                        .param("reason", reason.name()).param("hash", emailHash).param("weaker", weaker).update();
            }
        }
    }

    /** The person asked for marketing email again: lifts their own unsubscribe, never a bounce or an erasure. */
    void lift(String emailHash) {
        jdbc.sql("delete from sf_suppression where email_hash = :hash and reason in (:choices)")
                .param("hash", emailHash)
                .param("choices", Arrays.stream(Reason.values()).filter(Reason::isChoice).map(Reason::name).toList())
                .update();
    }

    /** Why this address is suppressed, whatever the category, or null when it is not. */
    Reason reasonFor(String emailHash) {
        return jdbc.sql("select reason from sf_suppression where email_hash = ?").param(emailHash)
                .query(String.class).optional().map(Reason::valueOf).orElse(null);
    }

    /**
     * Why each of these addresses is suppressed, whatever the category, with one read for all of them: the suppressed
     * ones only, by address as given.
     */
    public Map<String, Reason> reasons(Collection<String> emails) {
        Map<String, List<String>> byHash = new HashMap<>();
        emails.forEach(email -> byHash.computeIfAbsent(hash(email), h -> new ArrayList<>()).add(email));
        Map<String, Reason> reasons = new HashMap<>();
        if (!byHash.isEmpty()) {
            jdbc.sql("select email_hash, reason from sf_suppression where email_hash in (:hashes)")
                    .param("hashes", byHash.keySet())
                    .query(rs -> {
                        Reason reason = Reason.valueOf(rs.getString(2));
                        byHash.get(rs.getString(1)).forEach(email -> reasons.put(email, reason));
                    });
        }
        return reasons;
    }

    /** Why this address may not receive email of this category, or null when it may. */
    public Reason blockingReason(String email, EmailCategory category) {
        Reason reason = reasonFor(hash(email));
        return reason != null && reason.blocks(category) ? reason : null;
    }

    public static String hash(String email) {
        return Sha256.hex(email.strip().toLowerCase(Locale.ROOT));
    }
}
