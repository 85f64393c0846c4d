package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import io.stageflow.subscriptions.Suppressions;
import io.stageflow.support.Tallies;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MailReportMessages;
import io.stageflow.testing.TestMailServer;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Spam complaints from mailbox providers' feedback loops, over real SMTP and IMAP: an abuse report in the Abuse
 * Reporting Format (RFC 5965) that holds the welcome email, sent to the unsubscribe mailbox, suppresses the address as
 * complained (so the welcome journey's reminder is not sent), records one {@code email_complained} and counts one
 * {@code complained} for the welcome email however often it is reported, also when the report holds only the
 * email's headers; a bounce report (a delivery status notification) holding the same email is no complaint.
 */
class SpamComplaintTest extends IntegrationTest {

    @Autowired
    Tallies tallies;

    @Test
    void anAbuseReportSuppressesTheAddressAndIsCreditedToTheEmailOnce() throws Exception {
        ClockUtil.setCurrentTime(Date.from(Instant.parse("2038-07-02T10:00:00Z"))); // no other test sends that day
        String id = "spam-" + UUID.randomUUID().toString().substring(0, 8);
        String address = id + "@example.com";
        client().signUp(id, address, "Ada");
        MimeMessage welcome = awaitMail(address, 1).get(0);
        awaitSettled(id);

        String other = "spam-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        client().signUp(other.substring(0, other.indexOf('@')), other, "Bo");
        MimeMessage othersWelcome = awaitMail(other, 1).get(0);

        TestMailServer.sendRaw(TestMailServer.UNSUBSCRIBE_MAILBOX, report("abuse", "message/rfc822", raw(welcome)));
        await().atMost(PATIENCE).until(() -> "COMPLAINED".equals(suppression(address)));
        TestMailServer.sendRaw(TestMailServer.UNSUBSCRIBE_MAILBOX, report("abuse", "message/rfc822", raw(welcome)));
        TestMailServer.sendRaw(TestMailServer.UNSUBSCRIBE_MAILBOX, report("abuse", "text/rfc822-headers",
                headersOf(raw(othersWelcome))));
        await().atMost(PATIENCE).until(() -> TestMailServer.unsubscribeMailboxSize() == 0);
        awaitSettled(id);
        assertThat(suppression(other)).as("a report holding only the email's headers").isEqualTo("COMPLAINED");

        long outboxId = jdbc.sql("select id from sf_outbox where customer_id = ?").param(id).query(Long.class).single();
        assertThat(jdbc.sql("select message_id from sf_event where customer_id = ? and type = 'email_complained'")
                .param(id).query(String.class).list()).containsExactly("email-complained-" + outboxId);
        tallies.foldAll();
        JsonNode totals = welcomeStepTotals(client().get(
                "/api/v1/analytics/messages?from=2038-07-02&to=2038-07-02&template=welcome").expectStatus(200).json());
        // Two emails complained of: Ada's (reported twice, counted once) and Bo's.
        assertThat(totals.path("complained").asLong()).isEqualTo(2);
        assertThat(totals.path("unsubscribed").asLong()).isZero();

        advanceClock(Duration.ofDays(3).plusMinutes(1));
        await().atMost(PATIENCE).until(() -> "SUPPRESSED".equals(jdbc.sql("select status from sf_outbox"
                        + " where customer_id = ? and template_key = 'welcome-reminder'").param(id).query(String.class)
                .optional().orElse(null)));
        assertThat(jdbc.sql("select last_error from sf_outbox where customer_id = ? and template_key = 'welcome-reminder'")
                .param(id).query(String.class).single()).contains("complained");
    }

    @Test
    void aBounceReportOrANotSpamReportIsNoComplaint() throws Exception {
        // A day far beyond every other test's, so this customer's welcome reminder never fires on another test's day.
        ClockUtil.setCurrentTime(Date.from(Instant.parse("2090-03-01T10:00:00Z")));
        String id = "spam-" + UUID.randomUUID().toString().substring(0, 8);
        String address = id + "@example.com";
        client().signUp(id, address, "Ada");
        MimeMessage welcome = awaitMail(address, 1).get(0);
        awaitSettled(id);
        String dsn = report("abuse", "message/rfc822", raw(welcome))
                .replace("report-type=feedback-report", "report-type=delivery-status")
                .replace("message/feedback-report", "message/delivery-status")
                .replace("Feedback-Type: abuse", "Reporting-MTA: dns; mx.example.net\r\nAction: failed");

        TestMailServer.sendRaw(TestMailServer.UNSUBSCRIBE_MAILBOX, dsn);
        TestMailServer.sendRaw(TestMailServer.UNSUBSCRIBE_MAILBOX, report("not-spam", "message/rfc822",
                raw(welcome)));
        await().atMost(PATIENCE).until(() -> TestMailServer.unsubscribeMailboxSize() == 0);
        awaitSettled(id);

        assertThat(suppression(address)).isNull();
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ? and type = 'email_complained'")
                .param(id).query(Long.class).single()).isZero();
    }

    /** An ARF report as Yahoo's or Microsoft's feedback loop sends it, holding {@code original} as {@code type}. */
    private static String report(String feedbackType, String type, String original) {
        return MailReportMessages.arf(TestMailServer.UNSUBSCRIBE_MAILBOX, feedbackType, type, original);
    }

    private static String raw(MimeMessage message) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message.writeTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String headersOf(String raw) {
        return MailReportMessages.headersOf(raw);
    }

    private String suppression(String email) {
        return jdbc.sql("select reason from sf_suppression where email_hash = ?").param(Suppressions.hash(email))
                .query(String.class).optional().orElse(null);
    }
}
