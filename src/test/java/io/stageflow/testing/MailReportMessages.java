package io.stageflow.testing;

import java.util.UUID;

/**
 * The reports mail servers and mailbox providers send back, as raw messages for the tests' mailboxes: a delivery
 * status notification as Postfix writes one (RFC 3464) and an abuse report of a feedback loop (RFC 5965).
 */
public final class MailReportMessages {

    private MailReportMessages() {
    }

    /**
     * A delivery status notification for {@code recipient}, delivered by a catch-all with the return path it was
     * sent to in {@code X-Original-To}, quoting {@code originalHeaders}.
     */
    public static String dsn(String returnPath, String recipient, String action, String status, String diagnostic,
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

    /**
     * An ARF report as Yahoo's or Microsoft's feedback loop sends it to {@code to}, of {@code feedbackType}, holding
     * {@code original} as {@code partType} ({@code message/rfc822} or {@code text/rfc822-headers}).
     */
    public static String arf(String to, String feedbackType, String partType, String original) {
        String boundary = "arf-" + UUID.randomUUID();
        return "From: feedback@mailbox-provider.example\r\n"
                + "To: " + to + "\r\n"
                + "Subject: Complaint about a message\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=feedback-report; boundary=\"" + boundary + "\"\r\n"
                + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "This is an email abuse report for an email message received from IP 192.0.2.1.\r\n\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: message/feedback-report\r\n\r\n"
                + "Feedback-Type: " + feedbackType + "\r\n"
                + "User-Agent: SomeGenerator/1.0\r\n"
                + "Version: 1\r\n\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: " + partType + "\r\n\r\n"
                + original + "\r\n"
                + "--" + boundary + "--\r\n";
    }

    /** The header block of a raw message, ending with its line break. */
    public static String headersOf(String raw) {
        return raw.substring(0, raw.indexOf("\r\n\r\n") + 2);
    }
}
