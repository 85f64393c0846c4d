package io.stageflow.crash;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * One recipient's mailbox on the test's GreenMail, read while mail keeps arriving: how many emails it holds (cheap
 * enough to poll from many threads, unlike {@link GreenMail#getReceivedMessages()}, which copies every message of
 * every mailbox), and what each email's headers say, such as its one-click unsubscribe link.
 */
final class Mailboxes {

    /** The first web link of a {@code List-Unsubscribe} header: {@code <https://…/u/token>, <mailto:…>}. */
    private static final Pattern WEB_LINK = Pattern.compile("<(https?://[^>]+)>");

    private final GreenMail greenMail;

    Mailboxes(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    /** Emails delivered to this address so far; 0 before the first (GreenMail makes the user on first delivery). */
    int count(String email) {
        GreenMailUser user = greenMail.getUserManager().getUserByEmail(email.toLowerCase(Locale.ROOT));
        if (user == null) {
            return 0;
        }
        try {
            return greenMail.getManagers().getImapHostManager().getInbox(user).getMessageCount();
        } catch (FolderException e) {
            throw new IllegalStateException("No inbox for " + email, e);
        }
    }

    /** Emails delivered to every address so far. */
    int total() {
        return greenMail.getManagers().getImapHostManager().getAllMessages().size();
    }

    /** The emails of this address, oldest first. */
    List<MimeMessage> messages(String email) {
        GreenMailUser user = greenMail.getUserManager().getUserByEmail(email.toLowerCase(Locale.ROOT));
        if (user == null) {
            return List.of();
        }
        try {
            return greenMail.getManagers().getImapHostManager().getInbox(user).getMessages().stream()
                    .map(StoredMessage::getMimeMessage).toList();
        } catch (FolderException e) {
            throw new IllegalStateException("No inbox for " + email, e);
        }
    }

    /** What a mail client needs for RFC 8058 one-click unsubscribe, read from an email's headers. */
    record OneClick(String path, String post) {
    }

    /**
     * The path ({@code /u/token}) of the email's {@code List-Unsubscribe} web link, which points at the public URL,
     * and its {@code List-Unsubscribe-Post} header; fails when the email has no such link.
     */
    static OneClick oneClick(MimeMessage message) {
        try {
            String header = message.getHeader("List-Unsubscribe", ",");
            Matcher link = WEB_LINK.matcher(header == null ? "" : header);
            if (!link.find()) {
                throw new AssertionError("No web link in List-Unsubscribe of " + message.getMessageID() + ": " + header);
            }
            return new OneClick(URI.create(link.group(1)).getRawPath(), message.getHeader("List-Unsubscribe-Post", ","));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String messageId(MimeMessage message) {
        try {
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
