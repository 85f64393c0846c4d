package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
