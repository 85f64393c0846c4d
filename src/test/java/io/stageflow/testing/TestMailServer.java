package io.stageflow.testing;

import java.util.Arrays;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * One real mail server (GreenMail: SMTP, and IMAP for the unsubscribe mailbox) for the whole test run, shared by every Spring context so the context
 * cache keeps working. Tests tell their mail apart by recipient, which is unique per test.
 */
public final class TestMailServer {

    private static final class Holder {
        static final GreenMail SERVER = start();

        private static GreenMail start() {
            GreenMail server = new GreenMail(new ServerSetup[] {
                    ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()});
            server.start();
            server.setUser(UNSUBSCRIBE_MAILBOX, UNSUBSCRIBE_USER, UNSUBSCRIBE_PASSWORD);
            server.setUser(BOUNCE_MAILBOX, BOUNCE_USER, BOUNCE_PASSWORD);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
            return server;
        }
    }

    /** The mailbox Stageflow offers as {@code mailto:} unsubscribe, read by the app over IMAP. */
    public static final String UNSUBSCRIBE_MAILBOX = "unsubscribe@stageflow.test";
    public static final String UNSUBSCRIBE_USER = "unsubscribe";
    public static final String UNSUBSCRIBE_PASSWORD = "imap-secret";

    /**
     * The bounce mailbox Stageflow reads over IMAP. The return paths of its emails are {@code +} addresses of
     * {@code bounces@}{@value #BOUNCE_DOMAIN}, which a real catch-all would file here; tests put the reports here
     * themselves.
     */
    public static final String BOUNCE_DOMAIN = "bounce.stageflow.test";
    public static final String BOUNCE_MAILBOX = "bounces@" + BOUNCE_DOMAIN;
    public static final String BOUNCE_USER = "bounces";
    public static final String BOUNCE_PASSWORD = "bounce-secret";

    private TestMailServer() {
    }

    public static int port() {
        return Holder.SERVER.getSmtp().getPort();
    }

    public static int imapPort() {
        return Holder.SERVER.getImap().getPort();
    }

    /** Sends a plain email over SMTP, as a recipient's mail client would. */
    public static void send(String from, String to, String subject) {
        GreenMailUtil.sendTextEmail(to, from, subject, "", Holder.SERVER.getSmtp().getServerSetup());
    }

    /** Sends a whole message as written (RFC 5322 text, headers and body) over SMTP to {@code to}. */
    public static void sendRaw(String to, String message) {
        try {
            jakarta.mail.Session session = GreenMailUtil.getSession(Holder.SERVER.getSmtp().getServerSetup());
            jakarta.mail.internet.MimeMessage mime = new jakarta.mail.internet.MimeMessage(session,
                    new java.io.ByteArrayInputStream(message.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            jakarta.mail.Transport.send(mime, new Address[] {new InternetAddress(to)});
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many messages wait in the unsubscribe mailbox, unread by Stageflow. */
    public static int unsubscribeMailboxSize() {
        return mailboxSize(UNSUBSCRIBE_USER);
    }

    /** How many messages wait in the bounce mailbox, unread by Stageflow. */
    public static int bounceMailboxSize() {
        return mailboxSize(BOUNCE_USER);
    }

    private static int mailboxSize(String user) {
        try {
            return Holder.SERVER.getManagers().getImapHostManager().getInbox(
                    Holder.SERVER.getUserManager().getUser(user)).getMessageCount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every message GreenMail accepted for this address so far. */
    public static List<MimeMessage> messagesTo(String email) {
        return Arrays.stream(Holder.SERVER.getReceivedMessages())
                .filter(message -> isAddressedTo(message, email))
                .toList();
    }

    private static boolean isAddressedTo(MimeMessage message, String email) {
        try {
            Address[] recipients = message.getAllRecipients();
            return recipients != null && Arrays.stream(recipients)
                    .anyMatch(a -> a instanceof InternetAddress i && i.getAddress().equalsIgnoreCase(email));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
