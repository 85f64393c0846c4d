package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.SmtpOutages;

import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Rows whose dispatcher stopped mid-delivery (a crash: the row is left SENDING with its lease running out) and
 * deliveries that broke off after the hand-over: what was never handed to the mail server is sent after all, once;
 * what may have reached it is flagged, never sent twice.
 */
class OutboxRecoveryTest extends IntegrationTest {

    @Autowired
    Clock clock;

    @Autowired
    SmtpOutages smtp;

    @Autowired
    OutboxStore store;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DataSource dataSource;

    @Test
    void aRowWhoseNodeStoppedBeforeTheHandOverIsSentOnceAfterItsLeaseRunsOut() {
        String id = customer();
        abandonedRow(id, null);

        await().atMost(PATIENCE).until(() -> "SENT".equals(status(id)));
        awaitSettled(id);
        assertThat(mailTo(id + "@example.com")).hasSize(1);
        assertThat(jdbc.sql("select ambiguous_deliveries from sf_outbox where customer_id = ?").param(id)
                .query(Integer.class).single()).isZero();
    }

    @Test
    void aRowWhoseNodeStoppedDuringTheHandOverIsFlaggedAndNotResent() {
        String id = customer();
        abandonedRow(id, clock.instant().minus(Duration.ofMinutes(3)));

        await().atMost(PATIENCE).until(() -> "OUTCOME_UNKNOWN".equals(status(id)));
        assertThat(mailTo(id + "@example.com")).isEmpty();
        assertThat(jdbc.sql("select ambiguous_deliveries from sf_outbox where customer_id = ?").param(id)
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(client().get("/api/v1/customers/" + id + "/messages").expectStatus(200).body())
                .contains("outcome_unknown").contains("handing the message over");
    }

    @Test
    void aConnectionThatDropsAfterTheMessageWasSentLeavesTheRowFlaggedNotRetried() {
        String id = customer();
        smtp.hangUpAfterData(id + "@example.com");
        try {
            store.insert(new EmailRequest("test:" + id, id, "welcome", EmailCategory.TRANSACTIONAL, "test", null,
                    "Send"), clock.instant());

            await().atMost(PATIENCE).until(() -> "OUTCOME_UNKNOWN".equals(status(id)));
            assertThat(jdbc.sql("select attempts from sf_outbox where customer_id = ?").param(id).query(Integer.class)
                    .single()).isEqualTo(1);
            assertThat(jdbc.sql("select handed_over_at from sf_outbox where customer_id = ?").param(id)
                    .query(Timestamp.class).single()).isNotNull();
        } finally {
            smtp.restore(id + "@example.com");
        }
    }

    @Test
    void aDispatcherWhoseClaimWasTakenOverCannotHandTheMessageOver() {
        String id = customer();
        abandonedRow(id, null);
        long row = jdbc.sql("select id from sf_outbox where customer_id = ?").param(id).query(Long.class).single();

        // The stopped node's claim was attempt 1; by now another dispatcher has claimed (and sent) it.
        await().atMost(PATIENCE).until(() -> "SENT".equals(status(id)));
        assertThat(store.markHandedOver(row, 1, clock.instant(), "<late@example.com>")).isFalse();
        assertThat(mailTo(id + "@example.com")).hasSize(1);
    }

    @Test
    void aFailedAttemptWhoseClaimWasTakenOverLeavesTheRowToTheOtherDispatcher() {
        String id = customer();
        String email = id + "@example.com";
        smtp.downFor(email, 1);
        double takenOverBefore = meters.counter("stageflow.emails", "template", "welcome", "result", "taken_over")
                .count();
        // While this node connects (to a server that is down), its lease runs out and another node claims the row.
        smtp.meanwhile(email, () -> jdbc.sql("""
                update sf_outbox set attempts = attempts + 1, lease_until = ? where customer_id = ?""")
                .params(Timestamp.from(clock.instant().plus(Duration.ofMinutes(2))), id).update());
        try {
            store.insert(new EmailRequest("test:" + id, id, "welcome", EmailCategory.TRANSACTIONAL, "test", "instance-" + id,
                    "Send"), clock.instant());

            await().atMost(PATIENCE).until(() -> meters.counter("stageflow.emails", "template", "welcome", "result",
                    "taken_over").count() > takenOverBefore);
            assertThat(jdbc.sql("select attempts from sf_outbox where customer_id = ?").param(id)
                    .query(Integer.class).single()).isEqualTo(2);
            assertThat(status(id)).as("still the other dispatcher's, as it claimed it").isEqualTo("SENDING");
            assertThat(jdbc.sql("select last_error from sf_outbox where customer_id = ?").param(id)
                    .query(String.class).optional()).as("this node's failure not written over the other's claim")
                    .isEmpty();
            assertThat(jdbc.sql("select next_attempt_at from sf_outbox where customer_id = ?").param(id)
                    .query(Timestamp.class).single().toInstant()).as("not put back in line by this node")
                    .isBeforeOrEqualTo(clock.instant());
        } finally {
            smtp.restore(email);
        }
    }

    @Test
    void ofAWavesRowsOnlyThoseStillThisClaimsAreHandedOverAndRecordedSentEachWithItsOwnValues() {
        String ours = customer();
        String takenOver = customer();
        String flagged = customer();
        OutboxEntry[] rows = {claimedRow(ours), claimedRow(takenOver), claimedRow(flagged)};
        // Meanwhile another dispatcher claimed one row, and a sweep flagged another as possibly sent.
        jdbc.sql("update sf_outbox set attempts = 2 where customer_id = ?").param(takenOver).update();
        jdbc.sql("update sf_outbox set status = 'OUTCOME_UNKNOWN' where customer_id = ?").param(flagged).update();

        boolean[] handedOver = store.markAllHandedOver(java.util.Arrays.stream(rows).map(row ->
                new OutboxStore.HandingOver(row.id(), row.attempts(), "<" + row.customerId() + "@example.com>")).toList(),
                clock.instant());

        assertThat(handedOver).containsExactly(true, false, false);
        assertThat(jdbc.sql("select message_id_header from sf_outbox where customer_id = ?").param(ours)
                .query(String.class).single()).isEqualTo("<" + ours + "@example.com>");
        assertThat(jdbc.sql("select count(*) from sf_outbox where customer_id in (?, ?) and handed_over_at is not null")
                .params(takenOver, flagged).query(Integer.class).single()).isZero();

        Instant at = clock.instant();
        boolean[] sent = store.markAllSent(java.util.Arrays.stream(rows).map(row -> new OutboxStore.Accepted(row,
                at, row.customerId() + "@example.com", "Subject of " + row.customerId(), "<id-" + row.customerId() + ">",
                row.customerId().equals(ours) ? 3 : 0)).toList());

        assertThat(sent).containsExactly(true, false, true);
        assertThat(jdbc.sql("select status, recipient, subject, message_id_header, template_version from sf_outbox"
                        + " where customer_id = ?").param(ours)
                .query((rs, n) -> java.util.List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5))).single())
                .containsExactly("SENT", ours + "@example.com", "Subject of " + ours, "<id-" + ours + ">", "3");
        assertThat(status(takenOver)).as("the other dispatcher's claim, left alone").isEqualTo("SENDING");
        assertThat(jdbc.sql("select status, subject, template_version from sf_outbox where customer_id = ?")
                .param(flagged).query((rs, n) -> java.util.Arrays.asList(rs.getString(1), rs.getString(2),
                        rs.getString(3))).single())
                .as("flagged while this node was sending it: it was sent").containsExactly("SENT",
                        "Subject of " + flagged, null);
        assertThat(store.markAllSent(java.util.List.of(new OutboxStore.Accepted(rows[0], at, ours + "@example.com",
                "Again", "<again>", 3)))).as("recorded once: the same record again changes nothing").containsExactly(false);
    }

    @Test
    void ofTheRowsReadAsDueOnlyThoseStillWaitingAtTheAttemptReadAreClaimed() {
        // Due an hour from now, and claimed as of two hours from now: the running dispatcher never sees them due.
        Instant due = clock.instant().plus(Duration.ofHours(1));
        Instant now = due.plus(Duration.ofHours(1));
        String waiting = customer();
        String claimedElsewhere = customer();
        String deferredElsewhere = customer();
        String triedElsewhere = customer();
        java.util.List<OutboxEntry> read = java.util.stream.Stream.of(waiting, claimedElsewhere, deferredElsewhere,
                triedElsewhere).map(customer -> waitingRow(customer, due)).toList();
        // Meanwhile another dispatcher claimed one row; claimed and deferred another (its attempt given back, so it
        // is at the attempt read again, but no longer due); and tried a third, which waits again one attempt on.
        jdbc.sql("update sf_outbox set status = 'SENDING', attempts = 1 where customer_id = ?").param(claimedElsewhere)
                .update();
        jdbc.sql("update sf_outbox set status = 'DEFERRED', next_attempt_at = ? where customer_id = ?")
                .params(Timestamp.from(now.plus(Duration.ofHours(1))), deferredElsewhere).update();
        jdbc.sql("update sf_outbox set attempts = 1 where customer_id = ?").param(triedElsewhere).update();

        java.util.List<OutboxEntry> claimed = store.claimAll(read, now, now.plus(Duration.ofMinutes(2)));

        assertThat(claimed).extracting(OutboxEntry::customerId, OutboxEntry::attempts).containsExactly(
                org.assertj.core.groups.Tuple.tuple(waiting, 1));
        assertThat(jdbc.sql("select status, attempts from sf_outbox where customer_id = ?").param(waiting)
                .query((rs, n) -> rs.getString(1) + " " + rs.getInt(2)).single()).isEqualTo("SENDING 1");
        // MariaDB keeps whole seconds here.
        assertThat(jdbc.sql("select lease_until from sf_outbox where customer_id = ?").param(waiting)
                .query(Timestamp.class).single().toInstant())
                .isBetween(now.plus(Duration.ofMinutes(2)).minusSeconds(1), now.plus(Duration.ofMinutes(2)));
        assertThat(jdbc.sql("select customer_id, status, attempts from sf_outbox where customer_id in (?, ?, ?)"
                        + " order by customer_id").params(claimedElsewhere, deferredElsewhere, triedElsewhere)
                .query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3)).list())
                .as("left as the other dispatcher left them").containsExactlyInAnyOrder(
                        claimedElsewhere + " SENDING 1", deferredElsewhere + " DEFERRED 0", triedElsewhere + " PENDING 1");
        assertThat(store.claimAll(read, now, now.plus(Duration.ofMinutes(2)))).as("claimed once").isEmpty();
    }

    @Test
    void aRowAnotherTransactionHoldsIsSkippedByTheRecoveryNotWaitedForAndTakenBackOnceReleased() throws Exception {
        // Leases of an hour, recovered as of two hours from now: the running dispatcher never sees them run out.
        Instant later = clock.instant().plus(Duration.ofHours(2));
        String held = customer();
        String free = customer();
        OutboxEntry heldRow = claimedRow(held);
        claimedRow(free);
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            // As a dispatcher stopped (SIGSTOP, a long GC pause) in the middle of its record's transaction holds it.
            try (PreparedStatement record = other.prepareStatement("update sf_outbox set sent_at = ? where id = ?")) {
                record.setTimestamp(1, Timestamp.from(clock.instant()));
                record.setLong(2, heldRow.id());
                assertThat(record.executeUpdate()).isEqualTo(1);
            }
            // Waiting for the held row's lock would end only with the database's lock timeout, in an error.
            store.retryAbandonedBeforeHandOver(Channel.EMAIL, later);

            assertThat(status(free)).as("a row no one holds, taken back").isEqualTo("PENDING");
            assertThat(status(held)).as("the held row, skipped").isEqualTo("SENDING");
            other.rollback();
        }
        store.retryAbandonedBeforeHandOver(Channel.EMAIL, later);
        assertThat(status(held)).as("taken back once released").isEqualTo("PENDING");
    }

    /** A row queued and not yet tried, due at {@code due}, as the dispatcher reads it. */
    private OutboxEntry waitingRow(String customerId, Instant due) {
        jdbc.sql("""
                insert into sf_outbox (idempotency_key, customer_id, template_key, category, journey_key, status,
                                       attempts, next_attempt_at, created_at, respect_quiet_hours)
                values (?, ?, 'welcome', 'TRANSACTIONAL', 'test', 'PENDING', 0, ?, ?, false)""")
                .params("test:" + customerId, customerId, Timestamp.from(due), Timestamp.from(clock.instant()))
                .update();
        long id = jdbc.sql("select id from sf_outbox where customer_id = ?").param(customerId).query(Long.class).single();
        return store.find(id).orElseThrow();
    }

    /** A row claimed by this node just now (attempt 1, its lease running): as the check leaves it. */
    private OutboxEntry claimedRow(String customerId) {
        Instant now = clock.instant();
        jdbc.sql("""
                insert into sf_outbox (idempotency_key, customer_id, template_key, category, journey_key, status,
                                       attempts, next_attempt_at, created_at, respect_quiet_hours, lease_until)
                values (?, ?, 'welcome', 'TRANSACTIONAL', 'test', 'SENDING', 1, ?, ?, false, ?)""")
                .params("test:" + customerId, customerId, Timestamp.from(now), Timestamp.from(now),
                        Timestamp.from(now.plus(Duration.ofHours(1))))
                .update();
        long id = jdbc.sql("select id from sf_outbox where customer_id = ?").param(customerId).query(Long.class).single();
        return store.find(id).orElseThrow();
    }

    /** A row as a node that was killed while delivering it leaves it: claimed once, lease expired. */
    private void abandonedRow(String customerId, Instant handedOverAt) {
        Instant now = clock.instant();
        jdbc.sql("""
                insert into sf_outbox (idempotency_key, customer_id, template_key, category, journey_key, status,
                                       attempts, next_attempt_at, created_at, respect_quiet_hours, lease_until,
                                       handed_over_at)
                values (?, ?, 'welcome', 'TRANSACTIONAL', 'test', 'SENDING', 1, ?, ?, false, ?, ?)""")
                .params("test:" + customerId, customerId, Timestamp.from(now), Timestamp.from(now),
                        Timestamp.from(now.minus(Duration.ofMinutes(1))),
                        handedOverAt == null ? null : Timestamp.from(handedOverAt))
                .update();
    }

    private String customer() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\",\"firstName\":\"Rita\"}").expectStatus(201);
        return id;
    }

    private String status(String customerId) {
        return jdbc.sql("select status from sf_outbox where customer_id = ?").param(customerId).query(String.class).single();
    }
}
