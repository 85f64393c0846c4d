package io.stageflow.subscriptions;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetHeaders;

import io.stageflow.support.MailboxReader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The {@code mailto:} half of {@code List-Unsubscribe}, and the address for spam complaints. Mail clients that do
 * not do one-click HTTPS send an email to the unsubscribe mailbox instead, with the subject the header gave them,
 * which carries the same signed token as the link. Mailbox providers' feedback loops (Yahoo, Microsoft, Fastmail,
 * Comcast, …) send a report in the Abuse Reporting Format (RFC 5965: {@code multipart/report} with a
 * {@code message/feedback-report} part of {@code Feedback-Type: abuse}) that holds the reported email or its
 * headers; its {@code List-Unsubscribe} header carries the token, which names the address and the email even when
 * the provider blanked the recipient. This reads that mailbox over IMAP or POP3, unsubscribes each genuine token's
 * address, suppresses each complained-of address as complained, and deletes what it read. A message without a valid
 * token unsubscribes no one: its sender could be anybody. Bounce reports ({@code report-type=delivery-status}) are
 * no complaints and are only deleted.
 */
public class UnsubscribeMailbox {

    private static final Logger log = LoggerFactory.getLogger(UnsubscribeMailbox.class);

    /** A token as {@link UnsubscribeLinks} makes them: address hash, issue day, signature. */
    /** Address hash, day issued, the email's row when the link names one, signature. */
    private static final Pattern TOKEN = Pattern.compile(
            "[A-Za-z0-9_-]{40,}\\.[0-9a-z]{1,8}(\\.[0-9a-z]{1,13})?\\.[A-Za-z0-9_-]{40,}");

    private final String address;
    private final MailboxReader reader;
    private final UnsubscribeLinks links;
    private final Suppressions suppressions;
    private final ApplicationEventPublisher events;

    UnsubscribeMailbox(SubscriptionsProperties.Unsubscribe settings, UnsubscribeLinks links, Suppressions suppressions,
            ApplicationEventPublisher events) {
        this.address = settings.mailbox().strip();
        SubscriptionsProperties.Unsubscribe.Inbox inbox = settings.inbox();
        this.reader = new MailboxReader(inbox.protocol(), inbox.host(), inbox.port(), inbox.username(),
                inbox.password(), "INBOX");
        this.links = links;
        this.suppressions = suppressions;
        this.events = events;
    }

    /** The {@code mailto:} URI for {@code List-Unsubscribe}, for the token at the end of this unsubscribe URL. */
    public String mailtoFor(String unsubscribeUrl) {
        String token = unsubscribeUrl.substring(unsubscribeUrl.lastIndexOf('/') + 1);
        return "mailto:" + address + "?subject=" + URLEncoder.encode("unsubscribe " + token, StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    /** Reads one batch of the mailbox; true when there was mail, so the caller reads again at once. */
    boolean processInbox() {
        int[] unsubscribed = {0};
        int[] complaints = {0};
        try {
            MailboxReader.Batch batch = reader.read(message -> {
                if (isFeedbackReport(message)) {
                    Optional<Unsubscribed> reported = complaintToken(message).flatMap(links::unsubscribeOf);
                    if (reported.isPresent()) {
                        suppressions.suppressHash(reported.get().addressHash(), Suppressions.Reason.COMPLAINED);
                        events.publishEvent(new Complained(reported.get().addressHash(), reported.get().outboxId()));
                        complaints[0]++;
                    }
                } else {
                    Optional<Unsubscribed> unsubscribe = tokenIn(message.getSubject()).flatMap(links::unsubscribeOf);
                    if (unsubscribe.isPresent()) {
                        suppressions.suppressHash(unsubscribe.get().addressHash(), Suppressions.Reason.UNSUBSCRIBED);
                        events.publishEvent(unsubscribe.get());
                        unsubscribed[0]++;
                    }
                }
            });
            if (batch.read() > 0) {
                log.info("Unsubscribe mailbox: {} messages read, {} addresses unsubscribed, {} spam complaints",
                        batch.read(), unsubscribed[0], complaints[0]);
            }
            return batch.more();
        } catch (MessagingException e) {
            log.warn("Cannot read the unsubscribe mailbox at {}:{} ({}): {}", reader.host(), reader.port(),
                    reader.protocol(), e.getMessage());
            return false;
        }
    }

    /** An abuse report by a feedback loop: RFC 5965's {@code message/feedback-report} of type {@code abuse}. */
    private static boolean isFeedbackReport(Message message) throws MessagingException {
        return feedbackReportPart(message).filter(type -> type.equalsIgnoreCase("abuse")).isPresent();
    }

    /** The {@code Feedback-Type} of the report's {@code message/feedback-report} part, if it has one. */
    private static Optional<String> feedbackReportPart(Message message) throws MessagingException {
        if (!message.isMimeType("multipart/report")) {
            return Optional.empty();
        }
        try {
            Multipart parts = (Multipart) message.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                BodyPart part = parts.getBodyPart(i);
                if (part.isMimeType("message/feedback-report")) {
                    try (InputStream fields = part.getInputStream()) {
                        return Optional.ofNullable(new InternetHeaders(fields).getHeader("Feedback-Type", null))
                                .map(String::strip);
                    }
                }
            }
        } catch (IOException | ClassCastException e) {
            log.debug("Unreadable report in the unsubscribe mailbox", e);
        }
        return Optional.empty();
    }

    /**
     * The unsubscribe token in the {@code List-Unsubscribe} header of the email a feedback report holds, whole
     * ({@code message/rfc822}) or as its headers only ({@code text/rfc822-headers}).
     */
    private static Optional<String> complaintToken(Message report) throws MessagingException {
        try {
            Multipart parts = (Multipart) report.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                BodyPart part = parts.getBodyPart(i);
                String header = null;
                if (part.isMimeType("message/rfc822") && part.getContent() instanceof Message original) {
                    String[] values = original.getHeader("List-Unsubscribe");
                    header = values == null ? null : String.join(",", values);
                } else if (part.isMimeType("text/rfc822-headers")) {
                    try (InputStream headers = part.getInputStream()) {
                        header = new InternetHeaders(headers).getHeader("List-Unsubscribe", ",");
                    }
                }
                Optional<String> token = tokenIn(header);
                if (token.isPresent()) {
                    return token;
                }
            }
        } catch (IOException | ClassCastException e) {
            log.debug("Unreadable report in the unsubscribe mailbox", e);
        }
        return Optional.empty();
    }

    private static Optional<String> tokenIn(String subject) {
        if (subject == null) {
            return Optional.empty();
        }
        Matcher token = TOKEN.matcher(subject);
        return token.find() ? Optional.of(token.group()) : Optional.empty();
    }
}
