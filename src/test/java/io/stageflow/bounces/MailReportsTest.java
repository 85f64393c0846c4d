package io.stageflow.bounces;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import io.stageflow.testing.MailReportMessages;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/**
 * Reading delivery status notifications (RFC 3464) and feedback-loop reports (RFC 5965) as mail servers write them:
 * which recipient, hard or soft, and what names the email (the return path the report came back to, the quoted
 * Message-ID).
 */
class MailReportsTest {

    private static final String ORIGINAL = "Return-Path: <bounces+42-0123456789abcdef0123@bounce.shop.example>\r\n"
            + "Message-ID: <sf.42.0123456789abcdef@shop.example>\r\n"
            + "From: Shop <hello@shop.example>\r\n"
            + "To: ada@example.com\r\n"
            + "Subject: Welcome\r\n"
            + "\r\n"
            + "Hello Ada\r\n";

    @Test
    void aPostfixBounceIsAHardBounceOfItsRecipientWithTheReturnPathAndMessageId() throws Exception {
        List<MailReport> reports = MailReports.of(parse(MailReportMessages.dsn(
                "bounces+42-0123456789abcdef0123@bounce.shop.example", "ada@example.com", "failed", "5.1.1",
                "smtp; 550 5.1.1 User unknown", MailReportMessages.headersOf(ORIGINAL))));
        assertThat(reports).containsExactly(new MailReport(MailReport.Kind.HARD_BOUNCE, "dsn", "ada@example.com",
                "bounces+42-0123456789abcdef0123@bounce.shop.example", "<sf.42.0123456789abcdef@shop.example>",
                "5.1.1 smtp; 550 5.1.1 User unknown"));
    }

    @Test
    void aFullMailboxOrAnExpiredMessageIsSoftAndADelayIsNothing() throws Exception {
        for (String status : List.of("4.2.2", "5.2.2", "4.4.7", "5.4.7")) {
            assertThat(MailReports.of(parse(MailReportMessages.dsn("bounces+1-x@bounce.shop.example",
                    "ada@example.com", "failed", status, "smtp; 452 full", ""))))
                    .extracting(MailReport::kind).as(status).containsExactly(MailReport.Kind.SOFT_BOUNCE);
        }
        assertThat(MailReports.of(parse(MailReportMessages.dsn("bounces+1-x@bounce.shop.example", "ada@example.com",
                "delayed", "4.4.1", "smtp; 421 later", "")))).isEmpty();
    }

    @Test
    void aBounceQuotingTheReturnPathOnlyInTheOriginalHasNoReturnPath() throws Exception {
        List<MailReport> reports = MailReports.of(parse(MailReportMessages.dsn("bounces@bounce.shop.example",
                "ada@example.com", "failed", "5.1.1", "smtp; 550", MailReportMessages.headersOf(ORIGINAL))));
        assertThat(reports).extracting(MailReport::returnPath).containsExactly((String) null);
        assertThat(reports).extracting(MailReport::messageId).containsExactly("<sf.42.0123456789abcdef@shop.example>");
    }

    @Test
    void anAbuseReportIsAComplaintNamingTheQuotedEmail() throws Exception {
        List<MailReport> reports = MailReports.of(parse(arf(ORIGINAL)));
        assertThat(reports).containsExactly(new MailReport(MailReport.Kind.COMPLAINT, "arf", "ada@example.com",
                "bounces+42-0123456789abcdef0123@bounce.shop.example", "<sf.42.0123456789abcdef@shop.example>",
                "Feedback-Type: abuse"));
        assertThat(MailReports.of(parse(arf(ORIGINAL).replace("Feedback-Type: abuse",
                "Feedback-Type: not-spam")))).isEmpty();
    }

    @Test
    void anOrdinaryMessageHoldsNoReport() throws Exception {
        assertThat(MailReports.of(parse("From: a@example.com\r\nTo: b@example.com\r\nSubject: Out of office\r\n\r\n"
                + "Back on Monday\r\n"))).isEmpty();
    }

    private static String arf(String original) {
        return MailReportMessages.arf("fbl@bounce.shop.example", "abuse", "message/rfc822", original);
    }

    private static MimeMessage parse(String raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    }
}
