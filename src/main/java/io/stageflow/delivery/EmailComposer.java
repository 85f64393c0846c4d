package io.stageflow.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import io.stageflow.customers.Customer;
import io.stageflow.subscriptions.UnsubscribeMailbox;
import io.stageflow.templates.RenderedEmail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.util.DigestUtils;

/**
 * Builds the MIME message: {@code multipart/alternative} with the text part first and the HTML part last
 * (clients show the last part they can render), UTF-8 throughout, and a Message-ID derived from the outbox
 * row so that a message can always be traced back to the journey step that sent it.
 */
@Component
class EmailComposer {

    private final JavaMailSender mailSender;
    private final InternetAddress from;
    private final Clock clock;
    private final Optional<UnsubscribeMailbox> unsubscribeMailbox;
    private final ReturnPaths returnPaths;

    EmailComposer(JavaMailSender mailSender, DeliveryProperties properties, Clock clock,
            Optional<UnsubscribeMailbox> unsubscribeMailbox, ReturnPaths returnPaths) throws AddressException {
        this.mailSender = mailSender;
        if (properties.from() == null || properties.from().isBlank()) {
            throw new IllegalStateException("stageflow.delivery.from must name the sender, e.g. \"Shop <hello@shop.example>\"");
        }
        this.from = new InternetAddress(properties.from(), true);
        this.clock = clock;
        this.unsubscribeMailbox = unsubscribeMailbox;
        this.returnPaths = returnPaths;
    }

    /**
     * @param unsubscribeUrl for marketing email, the one-click unsubscribe URL announced in the
     *                       {@code List-Unsubscribe} headers (RFC 2369, RFC 8058); null for transactional email
     */
    HandOverMessage compose(OutboxEntry entry, Customer recipient, RenderedEmail email, String unsubscribeUrl,
            HandOverMessage.HandOver handOver) throws MessagingException {
        HandOverMessage message = new HandOverMessage(mailSender.createMimeMessage().getSession(), handOver);
        compose(message, new InternetAddress(recipient.email(), true), email, messageId(entry), unsubscribeUrl);
        message.setEnvelopeFrom(returnPaths.of(entry.id()));
        return message;
    }

    /**
     * The same message for a one-off test send to {@code to}, which is no outbox row: its Message-ID is random
     * ({@code <sf.test.…@…>}), so it can never be mistaken for a journey's email.
     */
    MimeMessage composeTest(String to, RenderedEmail email, String unsubscribeUrl) throws MessagingException {
        String random = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        MimeMessage message = mailSender.createMimeMessage();
        compose(message, new InternetAddress(to, true), email, "<sf.test." + random + "@" + domain() + ">",
                unsubscribeUrl);
        return message;
    }

    private void compose(MimeMessage message, InternetAddress to, RenderedEmail email, String messageId,
            String unsubscribeUrl) throws MessagingException {
        message.setFrom(from);
        message.setRecipient(MimeMessage.RecipientType.TO, to);
        message.setSubject(email.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(clock.instant()));
        message.setHeader("Message-ID", messageId);
        if (unsubscribeUrl != null) {
            message.setHeader("List-Unsubscribe", "<" + unsubscribeUrl + ">"
                    + unsubscribeMailbox.map(mailbox -> ", <" + mailbox.mailtoFor(unsubscribeUrl) + ">").orElse(""));
            message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(part(email.text(), "plain"));
        alternative.addBodyPart(part(email.html(), "html"));
        message.setContent(alternative);
    }

    /** A UTF-8 text part with its transfer encoding chosen here, so that Jakarta Mail need not read it to choose. */
    static MimeBodyPart part(String content, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(content, StandardCharsets.UTF_8.name(), subtype);
        part.setHeader("Content-Transfer-Encoding", transferEncoding(content)); // after setText, which clears it
        return part;
    }

    /**
     * The transfer encoding Jakarta Mail would choose for this text in UTF-8 ({@code MimeUtility.getEncoding}), in
     * one pass over the string instead of one over its encoded bytes: {@code 7bit} when every byte is printable ASCII
     * (or CR, LF, tab) and no line is longer than the 998 characters SMTP allows; {@code base64} when more bytes are
     * not than are; {@code quoted-printable} otherwise.
     */
    static String transferEncoding(String content) {
        long ascii = 0;
        long other = 0;
        int lineLength = 0;
        boolean longLine = false;
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c == '\r' || c == '\n') {
                ascii++;
                lineLength = 0;
            } else if (c < 0x80) {
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    other++;
                } else {
                    ascii++;
                }
                longLine |= ++lineLength > 998;
            } else {
                // The bytes of the character in UTF-8; a surrogate is half of a 4-byte character.
                other += c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
                longLine |= ++lineLength > 998;
            }
        }
        if (other == 0) {
            return longLine ? "quoted-printable" : "7bit";
        }
        return other > ascii ? "base64" : "quoted-printable";
    }

    /** The Message-ID of the row's email: the same at every attempt, so a resend can be recognised as one. */
    String messageId(OutboxEntry entry) {
        String digest = HexFormat.of().formatHex(
                DigestUtils.md5Digest(entry.idempotencyKey().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        return "<sf." + entry.id() + "." + digest + "@" + domain() + ">";
    }

    private String domain() {
        String address = from.getAddress();
        return address.substring(address.indexOf('@') + 1);
    }
}
