package io.stageflow.messaging;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * A {@code JavaMailSender} for trials and development that writes each message as an {@code .eml} file
 * instead of talking to a server. Messages are built and finalised exactly as for SMTP, so the file is the
 * MIME a mail server would have received; it appears atomically, never half-written.
 */
class FileOutboxMailSender extends JavaMailSenderImpl {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Path directory;

    FileOutboxMailSender(Path directory) {
        this.directory = directory;
    }

    @Override
    protected void doSend(MimeMessage[] messages, Object[] originalMessages) {
        for (MimeMessage message : messages) {
            try {
                write(message);
            } catch (IOException | MessagingException e) {
                throw new MailSendException("Could not write email to " + directory.toAbsolutePath(), e);
            }
        }
    }

    private void write(MimeMessage message) throws IOException, MessagingException {
        String messageId = message.getMessageID();
        message.saveChanges();
        if (messageId != null) {
            message.setHeader("Message-ID", messageId); // saveChanges() would replace it with a random one
        }
        Files.createDirectories(directory);
        Path partial = Files.createTempFile(directory, ".writing-", ".tmp");
        try (OutputStream out = Files.newOutputStream(partial)) {
            message.writeTo(out);
        }
        Files.move(partial, directory.resolve(fileName(message)), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String fileName(MimeMessage message) throws MessagingException {
        String stamp = STAMP.format(message.getSentDate().toInstant());
        String id = message.getMessageID() == null ? Long.toString(System.nanoTime()) : message.getMessageID();
        return stamp + "-" + id.replaceAll("[^A-Za-z0-9.@-]", "") + ".eml";
    }
}
