package io.stageflow.crash;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A relay between the jar and the test's mail server (GreenMail) that reads the SMTP dialogue as it passes, so a test
 * can choose where a crash falls. Armed with a {@link Hold}, it keeps the mail server's next reply at that point of
 * one transaction from the client, which then waits for it; the test kills the process while it waits. Before
 * {@code DATA} the message was never handed over, so it must be delivered after a restart; after the end of the
 * message the server has it but the client never heard so: the one ambiguous moment. Otherwise bytes pass
 * unchanged, and a connection that closes on one side is closed on the other, as a mail server would see it.
 */
final class SmtpTap implements AutoCloseable {

    /** Where to hold a transaction. */
    enum Hold {
        /** The reply to {@code RCPT TO}: the client has not sent {@code DATA}, the server has no message. */
        BEFORE_DATA,
        /** The {@code 250} after the end of the message: the server has it, the client does not know. */
        INSIDE_DATA
    }

    /** A transaction held at {@code hold}, with its recipients (lower case). */
    record Held(Hold hold, List<String> recipients) {
    }

    private final ServerSocket listener;
    private final int serverPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Hold> armed = new AtomicReference<>();
    private final AtomicReference<Held> held = new AtomicReference<>();
    private volatile CountDownLatch release = new CountDownLatch(0);

    /** Listens on a free loopback port and relays to the mail server on {@code serverPort}. */
    SmtpTap(int serverPort) {
        this.serverPort = serverPort;
        listener = LoopbackSockets.listen();
        LoopbackSockets.startDaemon("smtp-tap", this::acceptConnections);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Holds the next transaction that reaches {@code hold}, until {@link #release()}. */
    void arm(Hold hold) {
        held.set(null);
        release = new CountDownLatch(1);
        armed.set(hold);
    }

    /** The transaction held now, once one reached the armed point. */
    Optional<Held> held() {
        return Optional.ofNullable(held.get());
    }

    /** Lets a held connection go: it is closed on both sides, without the held reply (its client is dead). */
    void release() {
        armed.set(null);
        release.countDown();
    }

    @Override
    public void close() {
        release();
        LoopbackSockets.closeQuietly(listener);
        sockets.forEach(LoopbackSockets::closeQuietly);
    }

    private void acceptConnections() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                sockets.add(client);
                sockets.add(server);
                AtomicReference<Held> holdNextReply = new AtomicReference<>();
                LoopbackSockets.startDaemon("smtp-tap-replies", () -> relayReplies(server, client, holdNextReply));
                LoopbackSockets.startDaemon("smtp-tap-commands", () -> relayCommands(client, server, holdNextReply));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /**
     * The mail server's replies, unread, except that a reply the command side asked to hold is kept until
     * {@link #release()}, and the connection then closed. The client sends one command and waits for its reply, so
     * the reply that follows the request is the one to hold.
     */
    private void relayReplies(Socket server, Socket client, AtomicReference<Held> holdNextReply) {
        try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                Held hold = holdNextReply.getAndSet(null);
                if (hold != null) {
                    held.set(hold);
                    release.await();
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException connectionEnded) {
            // either side went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeBoth(server, client);
        }
    }

    /**
     * The client's commands, read line by line as they pass: the transaction's recipients, DATA, and the end of the
     * message. A hold is requested before the command goes on, so it is in place when the reply comes.
     */
    private void relayCommands(Socket client, Socket server, AtomicReference<Held> holdNextReply) {
        List<String> recipients = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean inData = false;
        try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    line.write(buffer[i]);
                    if (buffer[i] != '\n') {
                        continue;
                    }
                    String text = line.toString(StandardCharsets.ISO_8859_1).strip();
                    line.reset();
                    if (inData) {
                        inData = !text.equals(".");
                        if (!inData && armed.compareAndSet(Hold.INSIDE_DATA, null)) {
                            holdNextReply.set(new Held(Hold.INSIDE_DATA, List.copyOf(recipients)));
                        }
                        continue;
                    }
                    String command = text.toUpperCase(Locale.ROOT);
                    if (command.startsWith("MAIL FROM:") || command.equals("RSET")) {
                        recipients.clear();
                    } else if (command.startsWith("RCPT TO:") && text.contains("<") && text.contains(">")) {
                        recipients.add(text.substring(text.indexOf('<') + 1, text.indexOf('>')).toLowerCase(Locale.ROOT));
                        if (armed.compareAndSet(Hold.BEFORE_DATA, null)) {
                            holdNextReply.set(new Held(Hold.BEFORE_DATA, List.copyOf(recipients)));
                        }
                    } else if (command.equals("DATA")) {
                        inData = true;
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException connectionEnded) {
            // either side went away
        } finally {
            closeBoth(client, server);
        }
    }

    private void closeBoth(Socket one, Socket other) {
        LoopbackSockets.closeQuietly(one);
        LoopbackSockets.closeQuietly(other);
        sockets.remove(one);
        sockets.remove(other);
    }
}
