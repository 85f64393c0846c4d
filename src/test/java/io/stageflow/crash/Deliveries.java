package io.stageflow.crash;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * What the recipients got, as their mailboxes would show it: the Message-IDs of the emails delivered to each
 * address (the {@code To:} header), read from the file outbox's {@code .eml} files or from the test's mail server.
 */
final class Deliveries {

    private final Map<String, List<String>> messageIdsByRecipient = new HashMap<>();

    private Deliveries(Stream<MimeMessage> messages) {
        messages.forEach(message -> {
            try {
                Address[] to = message.getRecipients(Message.RecipientType.TO);
                for (Address address : to == null ? new Address[0] : to) {
                    messageIdsByRecipient.computeIfAbsent(((InternetAddress) address).getAddress().toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>()).add(message.getMessageID());
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Every {@code .eml} file in the file outbox (files being written, {@code .writing-*.tmp}, are not email yet). */
    static Deliveries inOutboxFolder(Path folder) {
        Session session = Session.getInstance(new Properties());
        return new Deliveries(emlFiles(folder).stream().map(file -> {
            try (InputStream in = Files.newInputStream(file)) {
                return new MimeMessage(session, in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (MessagingException e) {
                throw new IllegalStateException("Not an email: " + file, e);
            }
        }));
    }

    /** The messages a mail server received. */
    static Deliveries received(MimeMessage[] messages) {
        return new Deliveries(Arrays.stream(messages));
    }

    /** How many {@code .eml} files the folder holds now. */
    static int emlFileCount(Path folder) {
        return emlFiles(folder).size();
    }

    private static List<Path> emlFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".eml")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Message-IDs of the emails this address got, one per email. */
    List<String> to(String email) {
        return messageIdsByRecipient.getOrDefault(email.toLowerCase(Locale.ROOT), List.of());
    }
}
