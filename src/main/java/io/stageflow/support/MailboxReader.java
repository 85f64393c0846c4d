package io.stageflow.support;

import java.util.Properties;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

/**
 * Reads a mailbox over IMAP or POP3 a batch at a time and deletes each message once it was handled: what the
 * unsubscribe mailbox and the bounce mailbox share. A message is deleted only after its handler returned, so a
 * crash in between hands it to the next read again.
 *
 * @param protocol {@code imaps}, {@code imap}, {@code pop3s} or {@code pop3}
 * @param host     the mail server
 * @param port     its port (null: the protocol's)
 * @param username the mailbox's user
 * @param password the mailbox's password
 * @param folder   the folder to read
 */
public record MailboxReader(String protocol, String host, Integer port, String username, String password,
        String folder) {

    private static final int BATCH = 200;

    /** Handles one message; throwing ends the batch, and the message stays for the next read. */
    public interface Handler {
        void handle(Message message) throws MessagingException;
    }

    /**
     * What one read did.
     *
     * @param read how many messages were handled and deleted
     * @param more whether more messages wait, so the caller reads again at once
     */
    public record Batch(int read, boolean more) {
    }

    /** Reads up to one batch, oldest first, handing each message to {@code handler} and then deleting it. */
    public Batch read(Handler handler) throws MessagingException {
        Properties properties = new Properties();
        properties.put("mail." + protocol + ".connectiontimeout", "10000");
        properties.put("mail." + protocol + ".timeout", "30000");
        try (Store store = Session.getInstance(properties).getStore(protocol)) {
            store.connect(host, port == null ? -1 : port, username, password);
            Folder inbox = store.getFolder(folder);
            inbox.open(Folder.READ_WRITE);
            int count = inbox.getMessageCount();
            int read = Math.min(count, BATCH);
            for (Message message : read == 0 ? new Message[0] : inbox.getMessages(1, read)) {
                handler.handle(message);
                message.setFlag(Flags.Flag.DELETED, true);
            }
            inbox.close(true);
            return new Batch(read, count > read);
        }
    }
}
