package io.stageflow.bounces;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimePart;

/**
 * Reads the two standard reports a mail server or mailbox provider sends back: delivery status notifications
 * (RFC 3464, {@code multipart/report; report-type=delivery-status}), one report per recipient whose action is
 * {@code failed}, and abuse reports of feedback loops (RFC 5965, {@code report-type=feedback-report} with
 * {@code Feedback-Type: abuse} or {@code fraud}). A {@code delayed} notification is no bounce (the server is still
 * trying), nor is a {@code not-spam} report a complaint. A failure is hard unless its status says the cause may pass:
 * class 4, or 5.2.2 (mailbox full) and 5.4.7 (delivery time expired), which count as soft.
 */
final class MailReports {

    private static final List<String> ENVELOPE_HEADERS = List.of("X-Original-To", "Delivered-To", "Envelope-To", "To");

    private MailReports() {
    }

    /** The reports this message holds; none when it is no report (an auto-reply, a stray message). */
    static List<MailReport> of(Message message) throws MessagingException, IOException {
        if (!message.isMimeType("multipart/report") || !(message.getContent() instanceof Multipart parts)) {
            return List.of();
        }
        String reportType = Optional.ofNullable(new ContentType(message.getContentType()).getParameter("report-type"))
                .orElse("").toLowerCase(Locale.ROOT);
        InternetHeaders original = null;
        List<InternetHeaders> statusBlocks = null;
        InternetHeaders feedback = null;
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("message/delivery-status") || part.isMimeType("message/global-delivery-status")) {
                statusBlocks = blocks(bytes(part));
            } else if (part.isMimeType("message/feedback-report")) {
                try (InputStream fields = part.getInputStream()) {
                    feedback = new InternetHeaders(fields);
                }
            } else if (part.isMimeType("message/rfc822") || part.isMimeType("text/rfc822-headers")
                    || part.isMimeType("message/global") || part.isMimeType("message/global-headers")) {
                original = headersOf(part);
            }
        }
        InternetHeaders quoted = original;
        boolean complaint = reportType.equals("feedback-report");
        String returnPath = returnPathOf(message, complaint ? quoted : null);
        String messageId = quoted == null ? null : quoted.getHeader("Message-ID", null);
        List<MailReport> reports = new ArrayList<>();
        if (reportType.equals("delivery-status") && statusBlocks != null) {
            for (InternetHeaders recipient : statusBlocks.subList(Math.min(1, statusBlocks.size()), statusBlocks.size())) {
                bounceOf(recipient, returnPath, messageId).ifPresent(reports::add);
            }
        } else if (reportType.equals("feedback-report") && feedback != null) {
            String type = Optional.ofNullable(feedback.getHeader("Feedback-Type", null)).orElse("").strip()
                    .toLowerCase(Locale.ROOT);
            if (type.equals("abuse") || type.equals("fraud")) {
                String recipient = address(feedback.getHeader("Original-Rcpt-To", null))
                        .or(() -> address(quoted == null ? null : quoted.getHeader("To", null))).orElse(null);
                reports.add(new MailReport(MailReport.Kind.COMPLAINT, "arf", recipient, returnPath, messageId,
                        "Feedback-Type: " + type));
            }
        }
        return reports;
    }

    private static Optional<MailReport> bounceOf(InternetHeaders fields, String returnPath, String messageId) {
        String action = Optional.ofNullable(fields.getHeader("Action", null)).orElse("").strip()
                .toLowerCase(Locale.ROOT);
        if (!action.equals("failed")) {
            return Optional.empty();
        }
        String status = Optional.ofNullable(fields.getHeader("Status", null)).orElse("").strip();
        String recipient = address(fields.getHeader("Final-Recipient", null))
                .or(() -> address(fields.getHeader("Original-Recipient", null))).orElse(null);
        boolean soft = status.startsWith("4") || status.startsWith("5.2.2") || status.startsWith("5.4.7");
        String diagnostic = fields.getHeader("Diagnostic-Code", null);
        return Optional.of(new MailReport(soft ? MailReport.Kind.SOFT_BOUNCE : MailReport.Kind.HARD_BOUNCE, "dsn",
                recipient, returnPath, messageId, status + (diagnostic == null ? "" : " " + diagnostic)));
    }

    /**
     * The envelope sender the report came back to: the report's own delivery headers (a catch-all mailbox keeps
     * the {@code +} address in {@code X-Original-To} or {@code Delivered-To}), else, for a feedback-loop report
     * (which goes to the loop's registered address, not the return path), the {@code Return-Path} the receiving
     * server wrote into the reported email. A bounce comes back to the return path itself, so one that does not
     * names its email by the Message-ID and address only.
     */
    private static String returnPathOf(Message message, InternetHeaders original) throws MessagingException {
        for (String name : ENVELOPE_HEADERS) {
            String[] values = message.getHeader(name);
            if (values != null) {
                for (String value : values) {
                    Optional<String> address = address(value);
                    if (address.isPresent() && address.get().contains("+")) {
                        return address.get();
                    }
                }
            }
        }
        return original == null ? null : address(original.getHeader("Return-Path", null)).orElse(null);
    }

    /**
     * The address in a header or a DSN field: {@code rfc822; a@b.example}, {@code <a@b.example>} or a name and
     * address.
     */
    static Optional<String> address(String field) {
        if (field == null || field.isBlank()) {
            return Optional.empty();
        }
        String value = field.strip();
        int semicolon = value.indexOf(';');
        if (semicolon >= 0 && !value.contains("<")) {
            value = value.substring(semicolon + 1).strip();
        }
        try {
            InternetAddress[] addresses = InternetAddress.parseHeader(value, false);
            return addresses.length == 0 || addresses[0].getAddress() == null ? Optional.empty()
                    : Optional.of(addresses[0].getAddress().strip());
        } catch (MessagingException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * The quoted email's headers. A whole quoted email is read as the message it is (an IMAP server hands its
     * structure over, not its text); quoted headers alone are parsed.
     */
    private static InternetHeaders headersOf(Part part) throws MessagingException, IOException {
        if (part.isMimeType("message/rfc822") && part.getContent() instanceof MimePart quoted) {
            InternetHeaders headers = new InternetHeaders();
            for (java.util.Enumeration<String> lines = quoted.getAllHeaderLines(); lines.hasMoreElements(); ) {
                headers.addHeaderLine(lines.nextElement());
            }
            return headers;
        }
        return new InternetHeaders(new java.io.ByteArrayInputStream(bytes(part)));
    }

    private static byte[] bytes(Part part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /** The groups of fields of a {@code message/delivery-status} body: the message's first, then one per recipient. */
    private static List<InternetHeaders> blocks(byte[] body) throws MessagingException {
        String text = new String(body, StandardCharsets.UTF_8).replace("\r\n", "\n");
        List<InternetHeaders> blocks = new ArrayList<>();
        for (String block : text.split("\n\\s*\n")) {
            if (!block.isBlank()) {
                blocks.add(new InternetHeaders(new java.io.ByteArrayInputStream(
                        (block.strip().replace("\n", "\r\n") + "\r\n\r\n").getBytes(StandardCharsets.UTF_8))));
            }
        }
        return blocks;
    }
}
