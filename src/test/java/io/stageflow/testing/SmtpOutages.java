package io.stageflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.stageflow.delivery.MailServerRouting;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.MailParseException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessagePreparator;

/**
 * The application's mail transport in tests: real SMTP to GreenMail, except for recipients a test has put out of
 * reach. For those the message goes, over real SMTP, to a port this bean holds bound and never listens on
 * (connection refused: SMTP is down; held, so no server started later can take the port and accept the mail) or to a {@link MisbehavingSmtpServer} (a 550 for the recipient: a hard bounce; or a connection dropped
 * after the message was sent, so its fate is unknown). Recipients are unique per
 * test, so one test's outage never touches another's mail.
 */
public class SmtpOutages implements MailServerRouting, AutoCloseable {

    private static final int FOREVER = Integer.MAX_VALUE;

    private final Socket heldPort = boundNotListening();
    private final JavaMailSenderImpl greenMail = sender(TestMailServer.port());
    private final JavaMailSenderImpl down = sender(heldPort.getLocalPort());
    private final JavaMailSenderImpl rejecting = sender(MisbehavingSmtpServer.rejectingPort());
    private final JavaMailSenderImpl hangingUp = sender(MisbehavingSmtpServer.hangingUpPort());
    private final JavaMailSenderImpl sink = sender(CountingSmtpSink.port());
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();
    private final Set<String> hungUpOn = ConcurrentHashMap.newKeySet();
    private final Map<String, Runnable> beforeSending = new ConcurrentHashMap<>();

    /** The next {@code attempts} deliveries to this address find the mail server down. */
    public void downFor(String email, int attempts) {
        failuresLeft.put(email.toLowerCase(), new AtomicInteger(attempts));
    }

    /** Every delivery to this address finds the mail server down, until {@link #restore}. */
    public void down(String email) {
        downFor(email, FOREVER);
    }

    public void restore(String email) {
        failuresLeft.remove(email.toLowerCase());
        beforeSending.remove(email.toLowerCase());
        rejected.remove(email.toLowerCase());
        hungUpOn.remove(email.toLowerCase());
    }

    /**
     * Runs {@code meanwhile} once, as the next email to this address is about to go to its server: what another
     * node does to the row while this node is sending it.
     */
    public void meanwhile(String email, Runnable meanwhile) {
        beforeSending.put(email.toLowerCase(), meanwhile);
    }

    /** The mail server answers 550 (no such user) for this address. */
    public void rejectRecipient(String email) {
        rejected.add(email.toLowerCase());
    }

    /** The mail server takes messages for this address and then drops the connection before it answers. */
    public void hangUpAfterData(String email) {
        hungUpOn.add(email.toLowerCase());
    }

    @Override
    public MimeMessage createMimeMessage() {
        return greenMail.createMimeMessage();
    }

    @Override
    public MimeMessage createMimeMessage(InputStream contentStream) {
        return greenMail.createMimeMessage(contentStream);
    }

    @Override
    public void send(MimeMessage... messages) {
        for (MimeMessage message : messages) {
            route(message).send(message);
        }
    }

    @Override
    public void send(MimeMessagePreparator... preparators) {
        for (MimeMessagePreparator preparator : preparators) {
            MimeMessage message = createMimeMessage();
            try {
                preparator.prepare(message);
            } catch (Exception e) {
                throw new MailParseException(e);
            }
            send(message);
        }
    }

    @Override
    public void send(SimpleMailMessage... messages) {
        throw new UnsupportedOperationException("Stageflow sends MIME messages only");
    }

    /** The server this message goes to now: a faulty one for the addresses set so, the sink, or GreenMail. */
    @Override
    public JavaMailSenderImpl serverFor(MimeMessage message) {
        return route(message);
    }

    private JavaMailSenderImpl route(MimeMessage message) {
        for (String recipient : recipients(message)) {
            Runnable meanwhile = beforeSending.remove(recipient);
            if (meanwhile != null) {
                meanwhile.run();
            }
            if (rejected.contains(recipient)) {
                return rejecting;
            }
            if (hungUpOn.contains(recipient)) {
                return hangingUp;
            }
            AtomicInteger left = failuresLeft.get(recipient);
            if (left != null && (left.get() == FOREVER || left.getAndDecrement() > 0)) {
                return down;
            }
        }
        String[] all = recipients(message);
        if (all.length > 0 && Arrays.stream(all).allMatch(r -> r.endsWith("@" + CountingSmtpSink.DOMAIN))) {
            return sink;
        }
        return greenMail;
    }

    private static String[] recipients(MimeMessage message) {
        try {
            Address[] all = message.getAllRecipients();
            return all == null ? new String[0] : Arrays.stream(all)
                    .map(a -> ((InternetAddress) a).getAddress().toLowerCase()).toArray(String[]::new);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JavaMailSenderImpl sender(int port) {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost("127.0.0.1");
        sender.setPort(port);
        sender.setDefaultEncoding("UTF-8");
        Properties properties = new Properties();
        properties.put("mail.smtp.connectiontimeout", "5000");
        properties.put("mail.smtp.timeout", "5000");
        sender.setJavaMailProperties(properties);
        return sender;
    }

    /**
     * A port bound for as long as this bean lives but not listening: connecting to it is refused. A port merely
     * found free and let go could be taken by the next server a test starts, which then received the "down" mail.
     */
    private static Socket boundNotListening() {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        heldPort.close();
    }
}
