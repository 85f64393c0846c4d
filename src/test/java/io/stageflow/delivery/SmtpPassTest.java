package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.stageflow.testing.CountingSmtpSink;
import io.stageflow.testing.TestMailServer;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * A dispatcher pass's sender: over SMTP, its emails share one connection and keep their own Message-IDs; the file
 * outbox, itself a {@link JavaMailSenderImpl}, still writes files and never connects to a mail server.
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
