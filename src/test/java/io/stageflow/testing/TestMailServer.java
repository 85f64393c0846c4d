package io.stageflow.testing;

import java.util.Arrays;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * One real SMTP server (GreenMail) for the whole test run, shared by every Spring context so the context
 * cache keeps working. Tests tell their mail apart by recipient, which is unique per test.
 */
public final class TestMailServer {

    private static final class Holder {
        static final GreenMail SERVER = start();

        private static GreenMail start() {
            GreenMail server = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
            return server;
        }
    }

    private TestMailServer() {
    }

    public static int port() {
        return Holder.SERVER.getSmtp().getPort();
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
