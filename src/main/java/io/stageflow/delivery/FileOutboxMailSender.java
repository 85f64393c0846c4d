package io.stageflow.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * A {@code JavaMailSender} for trials and development that writes each message as an {@code .eml} file
 * instead of talking to a server. Messages are built and finalised exactly as for SMTP, so the file is the
 * MIME a mail server would have received. Each file is named after the message's Message-ID, which the outbox
 * derives from its row, and appears atomically, never half-written: a retry of a row whose file is already
 * there (the node stopped before recording the send) writes nothing, so a row never has two files.
 */
class FileOutboxMailSender extends JavaMailSenderImpl {

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

    /** Removes the files of these messages (an erased customer's), if they are here. */
    void delete(Collection<String> messageIds) {
        for (String messageId : messageIds) {
            try {
                Files.deleteIfExists(file(messageId));
            } catch (IOException e) {
                throw new IllegalStateException("Could not delete " + file(messageId).toAbsolutePath(), e);
            }
        }
    }

    private void write(MimeMessage message) throws IOException, MessagingException {
        String messageId = message.getMessageID();
        if (messageId == null) {
            throw new MessagingException("A message for the file outbox needs a Message-ID to be named after");
        }
        Path target = file(messageId);
        if (Files.exists(target)) {
            return; // written by an earlier attempt whose node stopped before it recorded the send
        }
        message.saveChanges();
        message.setHeader("Message-ID", messageId); // saveChanges() would replace it with a random one
        Files.createDirectories(directory);
        Path partial = Files.createTempFile(directory, ".writing-", ".tmp");
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(channel);
            message.writeTo(out);
            out.flush();
            channel.force(true);
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path file(String messageId) {
        return directory.resolve(messageId.replaceAll("[^A-Za-z0-9.@-]", "") + ".eml");
    }
}
