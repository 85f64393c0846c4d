package io.stageflow.bounces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.stageflow.subscriptions.Suppressions;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestMailServer;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/**
 * Late bounces and complaints in a real IMAP mailbox (GreenMail): each email leaves with its own signed return path
 * (VERP); a delivery status notification (RFC 3464) that comes back to it suppresses the address (hard) or counts
 * against it (soft), and a feedback-loop report (RFC 5965) quoting the email suppresses it for marketing. The email
 * is marked in the message log and gets its event. A report whose return path is forged, or which names an email by
 * its Message-ID but another recipient, or which says the server is still trying, changes nothing.
 */
class BounceMailboxTest extends IntegrationTest {

    @Test
    void aDeliveryStatusNotificationToTheReturnPathSuppressesTheAddressAndMarksTheEmail() throws Exception {
        Sent welcome = signUpAndReceiveWelcome();
        assertThat(welcome.returnPath()).as("the envelope sender names the email")
                .matches("bounces\\+" + welcome.outboxId() + "-[0-9a-f]{20}@" + TestMailServer.BOUNCE_DOMAIN);

        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, dsn(welcome.returnPath(), welcome.address(), "failed",
                "5.1.1", "smtp; 550 5.1.1 <" + welcome.address() + ">: Recipient address rejected: User unknown",
                headersOf(welcome.raw())));
        await().atMost(PATIENCE).until(() -> "BOUNCED".equals(suppression(welcome.address())));
        await().atMost(PATIENCE).until(() -> TestMailServer.bounceMailboxSize() == 0);

        JsonNode entry = logEntry(welcome);
        assertThat(entry.path("status").asText()).isEqualTo("bounced");
        assertThat(entry.path("reason").asText()).startsWith("Hard bounce reported by dsn: 5.1.1")
                .contains("User unknown");
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ? and type = 'email_bounced'")
                .param(welcome.customerId()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aFeedbackLoopReportInTheBounceMailboxIsAComplaint() throws Exception {
        Sent welcome = signUpAndReceiveWelcome();
        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, arf(welcome.raw()));
        await().atMost(PATIENCE).until(() -> "COMPLAINED".equals(suppression(welcome.address())));
        await().atMost(PATIENCE).until(() -> jdbc.sql(
                "select count(*) from sf_event where customer_id = ? and type = 'email_complained'")
                .param(welcome.customerId()).query(Long.class).single() == 1);
    }

    @Test
    void aSoftBounceIsCountedAndMarkedButDoesNotSuppressAlone() throws Exception {
        Sent welcome = signUpAndReceiveWelcome();
        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, dsn(welcome.returnPath(), welcome.address(), "failed",
                "4.2.2", "smtp; 452 4.2.2 Mailbox full", headersOf(welcome.raw())));
        await().atMost(PATIENCE).until(() -> "bounced".equals(logEntry(welcome).path("status").asText()));
        assertThat(logEntry(welcome).path("reason").asText()).startsWith("Soft bounce reported by dsn: 4.2.2");
        assertThat(suppression(welcome.address())).as("one soft bounce does not suppress").isNull();
        assertThat(jdbc.sql("select count(*) from sf_soft_bounce where email_hash = ?")
                .param(Suppressions.hash(welcome.address())).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void forgedOrInconclusiveReportsChangeNothing() throws Exception {
        Sent welcome = signUpAndReceiveWelcome();
        String forgedReturnPath = welcome.returnPath().replaceFirst("-[0-9a-f]{20}@", "-0123456789abcdef0123@");
        String otherAddress = "someone-else-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        // A forged return path; the right Message-ID with another recipient; a delay notice; no report at all.
        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, dsn(forgedReturnPath, welcome.address(), "failed",
                "5.1.1", "smtp; 550 no such user", ""));
        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, dsn(TestMailServer.BOUNCE_MAILBOX, otherAddress,
                "failed", "5.1.1", "smtp; 550 no such user", headersOf(welcome.raw())));
        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, dsn(welcome.returnPath(), welcome.address(), "delayed",
                "4.4.1", "smtp; 421 try again later", headersOf(welcome.raw())));
        TestMailServer.send("auto-reply@example.com", TestMailServer.BOUNCE_MAILBOX, "Out of office");
        await().atMost(PATIENCE).until(() -> TestMailServer.bounceMailboxSize() == 0);

        assertThat(suppression(welcome.address())).isNull();
        assertThat(suppression(otherAddress)).isNull();
        assertThat(logEntry(welcome).path("status").asText()).isEqualTo("sent");
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ? and type = 'email_bounced'")
                .param(welcome.customerId()).query(Long.class).single()).isZero();
    }

    /** The welcome email as it arrived, and what names it. */
    record Sent(String customerId, String address, long outboxId, String returnPath, String raw) {
    }

    private Sent signUpAndReceiveWelcome() throws Exception {
        String id = "bounce-" + UUID.randomUUID().toString().substring(0, 8);
        String address = id + "@example.com";
        client().signUp(id, address, "Ada");
        MimeMessage welcome = awaitMail(address, 1).get(0);
        awaitSettled(id);
        long outboxId = jdbc.sql("select id from sf_outbox where customer_id = ? and template_key = 'welcome'")
                .param(id).query(Long.class).single();
        String returnPath = welcome.getHeader("Return-Path", null).replaceAll("[<>]", "").strip();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        welcome.writeTo(bytes);
        return new Sent(id, address, outboxId, returnPath, bytes.toString(StandardCharsets.UTF_8));
    }

    private JsonNode logEntry(Sent sent) {
        for (JsonNode entry : client().get("/api/v1/customers/" + sent.customerId() + "/messages").expectStatus(200)
                .json()) {
            if (entry.path("id").asLong() == sent.outboxId()) {
                return entry;
            }
        }
        throw new AssertionError("no message log entry " + sent.outboxId());
    }

    private String suppression(String email) {
        return jdbc.sql("select reason from sf_suppression where email_hash = ?").param(Suppressions.hash(email))
                .query(String.class).optional().orElse(null);
    }

    /**
     * A delivery status notification as Postfix writes one, delivered by a catch-all to the bounce mailbox with the
     * return path it was sent to in {@code X-Original-To}.
     */
    static String dsn(String returnPath, String recipient, String action, String status, String diagnostic,
            String originalHeaders) {
        String boundary = "dsn-" + UUID.randomUUID();
        return "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r\n"
                + "X-Original-To: " + returnPath + "\r\n"
                + "Delivered-To: " + TestMailServer.BOUNCE_MAILBOX + "\r\n"
                + "To: " + returnPath + "\r\n"
                + "Subject: Undelivered Mail Returned to Sender\r\n"
                + "Auto-Submitted: auto-replied\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"\r\n"
                + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Description: Notification\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "I'm sorry to have to inform you that your message could not\r\n"
                + "be delivered to one or more recipients.\r\n\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Description: Delivery report\r\n"
                + "Content-Type: message/delivery-status\r\n\r\n"
                + "Reporting-MTA: dns; mx.example.net\r\n"
                + "X-Postfix-Queue-ID: 4F7A81C0F21\r\n"
                + "Arrival-Date: Mon, 30 Nov 2026 10:00:00 +0000 (UTC)\r\n\r\n"
                + "Final-Recipient: rfc822; " + recipient + "\r\n"
                + "Original-Recipient: rfc822;" + recipient + "\r\n"
                + "Action: " + action + "\r\n"
                + "Status: " + status + "\r\n"
                + "Remote-MTA: dns; mx.example.com\r\n"
                + "Diagnostic-Code: " + diagnostic + "\r\n\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Description: Undelivered Message Headers\r\n"
                + "Content-Type: text/rfc822-headers\r\n\r\n"
                + originalHeaders + "\r\n"
                + "--" + boundary + "--\r\n";
    }

    /** An abuse report of a feedback loop (RFC 5965) quoting the whole email. */
    static String arf(String original) {
        String boundary = "arf-" + UUID.randomUUID();
        return "From: feedbackloop@mailbox-provider.example\r\n"
                + "To: " + TestMailServer.BOUNCE_MAILBOX + "\r\n"
                + "Subject: Abuse report\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=feedback-report; boundary=\"" + boundary + "\"\r\n"
                + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "This is an email abuse report for an email message received from IP 192.0.2.1.\r\n\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: message/feedback-report\r\n\r\n"
                + "Feedback-Type: abuse\r\n"
                + "User-Agent: SomeGenerator/1.0\r\n"
                + "Version: 1\r\n\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: message/rfc822\r\n\r\n"
                + original + "\r\n"
                + "--" + boundary + "--\r\n";
    }

    static String headersOf(String raw) {
        return raw.substring(0, raw.indexOf("\r\n\r\n") + 2);
    }
}
