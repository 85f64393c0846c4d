package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.stageflow.testing.CountingSmtpSink;
import io.stageflow.testing.TestMailServer;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * A dispatcher pass's sender: over SMTP, its emails share one connection and keep their own Message-IDs, and a busy
 * pass's connections serve the next pass; the file outbox, itself a {@link JavaMailSenderImpl}, still writes files
 * and never connects to a mail server.
 */
class SmtpPassTest {

    @Test
    void smtpEmailsOfOnePassKeepTheirMessageIds() throws Exception {
        JavaMailSenderImpl smtp = new JavaMailSenderImpl();
        smtp.setHost("127.0.0.1");
        smtp.setPort(TestMailServer.port());
        String run = Long.toString(System.nanoTime(), 36);
        try (SmtpPass pass = new SmtpPass(smtp)) {
            for (int i = 0; i < 3; i++) {
                pass.send(message(smtp.createMimeMessage(), "pass-" + run + "-" + i + "@example.com",
                        "<sf.pass." + run + "." + i + "@stageflow.test>"));
            }
        }
        for (int i = 0; i < 3; i++) {
            List<MimeMessage> received = TestMailServer.messagesTo("pass-" + run + "-" + i + "@example.com");
            assertThat(received).hasSize(1);
            assertThat(received.get(0).getMessageID()).isEqualTo("<sf.pass." + run + "." + i + "@stageflow.test>");
        }
    }

    @Test
    void aRoutingSenderKeepsOneConnectionPerServerForThePass() throws Exception {
        JavaMailSenderImpl greenMail = server(TestMailServer.port());
        JavaMailSenderImpl sink = server(CountingSmtpSink.port());
        MailServerRouting routing = new RoutingByDomain(greenMail, sink);
        String run = Long.toString(System.nanoTime(), 36);
        long connectionsBefore = CountingSmtpSink.connections();
        try (SmtpPass pass = new SmtpPass(routing)) {
            for (int i = 0; i < 4; i++) {
                String domain = i % 2 == 0 ? CountingSmtpSink.DOMAIN : "example.com";
                pass.send(message(greenMail.createMimeMessage(), "route-" + run + "-" + i + "@" + domain,
                        "<sf.route." + run + "." + i + "@stageflow.test>"));
            }
        }
        assertThat(CountingSmtpSink.countFor("route-" + run + "-0@" + CountingSmtpSink.DOMAIN)).isEqualTo(1);
        assertThat(CountingSmtpSink.countFor("route-" + run + "-2@" + CountingSmtpSink.DOMAIN)).isEqualTo(1);
        assertThat(CountingSmtpSink.connections() - connectionsBefore).as("the sink's two emails, one connection")
                .isEqualTo(1);
        assertThat(TestMailServer.messagesTo("route-" + run + "-1@example.com")).hasSize(1);
        assertThat(TestMailServer.messagesTo("route-" + run + "-3@example.com")).hasSize(1);
    }

    @Test
    void theLanesKeepTheirConnectionsFromABusyPassToTheNextAndCloseThemWhenAPassFindsNoMail() throws Exception {
        JavaMailSenderImpl sink = server(CountingSmtpSink.port());
        String run = Long.toString(System.nanoTime(), 36);
        long connectionsBefore = CountingSmtpSink.connections();
        LaneConnections connections = new LaneConnections(2, () -> new SmtpPass(sink));

        List<SmtpPass> first = connections.take();
        sendOnEachLane(sink, first, run + "-a");
        connections.giveBack(first, true);
        List<SmtpPass> second = connections.take();
        assertThat(second).as("the busy pass's connections, kept").isSameAs(first);
        sendOnEachLane(sink, second, run + "-b");
        connections.giveBack(second, false);
        assertThat(CountingSmtpSink.connections() - connectionsBefore).as("two passes, one connection a lane")
                .isEqualTo(2);

        List<SmtpPass> third = connections.take();
        assertThat(third).as("a pass after one that found no mail opens new ones").isNotSameAs(first);
        sendOnEachLane(sink, third, run + "-c");
        connections.giveBack(third, true);
        connections.close();
        assertThat(connections.take()).as("none kept once the node stops").isNotSameAs(third);
        assertThat(CountingSmtpSink.connections() - connectionsBefore).isEqualTo(4);
        assertThat(CountingSmtpSink.countsByRecipient("lane-" + run)).hasSize(6).allSatisfy((to, count) ->
                assertThat(count).isEqualTo(1));
    }

    @Test
    void aKeptConnectionTheServerClosedBetweenPassesIsOpenedAgainAndNoEmailFails() throws Exception {
        try (OneMessageServer server = new OneMessageServer()) {
            JavaMailSenderImpl smtp = server(server.port());
            LaneConnections connections = new LaneConnections(1, () -> new SmtpPass(smtp));
            List<SmtpPass> first = connections.take();
            first.get(0).send(message(smtp.createMimeMessage(), "first@example.com", "<sf.kept.1@stageflow.test>"));
            connections.giveBack(first, true);
            server.awaitClosed(); // the server hangs up after each message, as a relay may between passes

            List<SmtpPass> second = connections.take();
            assertThat(second).isSameAs(first);
            second.get(0).send(message(smtp.createMimeMessage(), "second@example.com", "<sf.kept.2@stageflow.test>"));
            connections.giveBack(second, false);
            assertThat(server.messages()).as("both emails, the second over a new connection").isEqualTo(2);
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    /** An SMTP server on a plain socket that accepts one message a connection, then closes it. */
    private static final class OneMessageServer implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        private final AtomicInteger connections = new AtomicInteger();
        private final AtomicInteger messages = new AtomicInteger();
        private final Semaphore closed = new Semaphore(0);

        OneMessageServer() throws IOException {
            Thread acceptor = new Thread(this::accept, "one-message-smtp");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        int messages() {
            return messages.get();
        }

        void awaitClosed() throws InterruptedException {
            assertThat(closed.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    connections.incrementAndGet();
                    serveOneMessage(client);
                } catch (IOException e) {
                    // closed
                }
                closed.release();
            }
        }

        private void serveOneMessage(Socket client) throws IOException {
            var in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII));
            var out = client.getOutputStream();
            reply(out, "220 one-message ESMTP");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equalsIgnoreCase("DATA")) {
                    reply(out, "354 go on");
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // the message
                    }
                    messages.incrementAndGet();
                    reply(out, "250 queued; closing");
                    return;
                }
                reply(out, line.toUpperCase(Locale.ROOT).startsWith("QUIT") ? "221 bye" : "250 OK");
            }
        }

        private static void reply(OutputStream out, String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void sendOnEachLane(JavaMailSenderImpl sink, List<SmtpPass> lanes, String pass) throws Exception {
        for (int lane = 0; lane < lanes.size(); lane++) {
            lanes.get(lane).send(message(sink.createMimeMessage(), "lane-" + pass + "-" + lane + "@"
                    + CountingSmtpSink.DOMAIN, "<sf.lane." + pass + "." + lane + "@stageflow.test>"));
        }
    }

    /** Mail for the sink's domain to the sink, the rest to GreenMail. */
    private record RoutingByDomain(JavaMailSenderImpl greenMail, JavaMailSenderImpl sink) implements MailServerRouting {

        @Override
        public JavaMailSenderImpl serverFor(MimeMessage message) {
            try {
                return message.getAllRecipients()[0].toString().endsWith("@" + CountingSmtpSink.DOMAIN) ? sink
                        : greenMail;
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public MimeMessage createMimeMessage() {
            return greenMail.createMimeMessage();
        }

        @Override
        public MimeMessage createMimeMessage(java.io.InputStream content) {
            return greenMail.createMimeMessage(content);
        }

        @Override
        public void send(MimeMessage... messages) {
            throw new UnsupportedOperationException("SmtpPass sends over its own connections");
        }

        @Override
        public void send(org.springframework.mail.SimpleMailMessage... messages) {
            throw new UnsupportedOperationException();
        }
    }

    private static JavaMailSenderImpl server(int port) {
        JavaMailSenderImpl server = new JavaMailSenderImpl();
        server.setHost("127.0.0.1");
        server.setPort(port);
        return server;
    }

    @Test
    void theFileOutboxWritesFilesAndConnectsToNoServer(@TempDir Path outbox) throws Exception {
        FileOutboxMailSender files = new FileOutboxMailSender(outbox);
        try (SmtpPass pass = new SmtpPass(files)) {
            pass.send(message(files.createMimeMessage(), "file@example.com", "<sf.file.1@stageflow.test>"));
        }
        try (var written = Files.list(outbox)) {
            assertThat(written.map(path -> path.getFileName().toString()).toList()).hasSize(1);
        }
    }

    private static MimeMessage message(MimeMessage message, String to, String messageId) throws Exception {
        message.setFrom(new InternetAddress("journeys@stageflow.test"));
        message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to));
        message.setSubject("Pass");
        message.setText("Hello");
        message.setHeader("Message-ID", messageId);
        return message;
    }
}
