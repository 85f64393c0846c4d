package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file outbox writes one file per outbox row, whatever retries happen, and can delete a row's file. */
class FileOutboxMailSenderTest {

    @TempDir
    Path outbox;

    @Test
    void aRetryOfAnAlreadyWrittenRowWritesNoSecondFileAndLeavesTheFirstAlone() throws Exception {
        FileOutboxMailSender sender = new FileOutboxMailSender(outbox);
        sender.send(message("<sf.7.abc@shop.example>", "First attempt", 1_000));
        sender.send(message("<sf.7.abc@shop.example>", "Second attempt", 60_000));

        List<Path> files = files();
        assertThat(files).extracting(path -> path.getFileName().toString()).containsExactly("sf.7.abc@shop.example.eml");
        assertThat(Files.readString(files.get(0))).contains("First attempt").doesNotContain("Second attempt");
    }

    @Test
    void eachRowHasItsOwnFileAndNoPartialFileIsLeft() throws Exception {
        FileOutboxMailSender sender = new FileOutboxMailSender(outbox);
        sender.send(message("<sf.1.aaa@shop.example>", "One", 0));
        sender.send(message("<sf.2.bbb@shop.example>", "Two", 0));

        assertThat(files()).extracting(path -> path.getFileName().toString())
                .containsExactlyInAnyOrder("sf.1.aaa@shop.example.eml", "sf.2.bbb@shop.example.eml");
    }

    @Test
    void deletesTheFilesOfTheGivenMessagesOnly() throws Exception {
        FileOutboxMailSender sender = new FileOutboxMailSender(outbox);
        sender.send(message("<sf.1.aaa@shop.example>", "One", 0));
        sender.send(message("<sf.2.bbb@shop.example>", "Two", 0));

        sender.delete(List.of("<sf.1.aaa@shop.example>", "<sf.9.never-written@shop.example>"));

        assertThat(files()).extracting(path -> path.getFileName().toString()).containsExactly("sf.2.bbb@shop.example.eml");
    }

    private MimeMessage message(String messageId, String text, long sentAt) throws Exception {
        MimeMessage message = new FileOutboxMailSender(outbox).createMimeMessage();
        message.setFrom(new InternetAddress("hello@shop.example"));
        message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress("ada@example.com"));
        message.setSubject("Hello");
        message.setText(text);
        message.setSentDate(new Date(sentAt));
        message.setHeader("Message-ID", messageId);
        return message;
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> all = Files.list(outbox)) {
            return all.sorted().toList();
        }
    }
}
