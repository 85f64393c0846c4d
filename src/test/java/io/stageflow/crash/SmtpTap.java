package io.stageflow.crash;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A relay between the jar and the test's mail server (GreenMail) that reads the SMTP dialogue as it passes, to tell
 * where a crash fell. It records every {@code DATA} command with the recipients of its transaction: a row whose
 * process died before its {@code DATA} was sent never handed its message over, so it must be delivered after a
 * restart; only the one transaction whose {@code DATA} was the last before a kill may be ambiguous. Bytes pass
 * unchanged, and a connection that closes on one side is closed on the other, as a mail server would see it.
 */
final class SmtpTap implements AutoCloseable {

    /** One {@code DATA} command: the how-manieth it was, and the transaction's recipients (lower case). */
    record Data(int number, List<String> recipients) {
    }

    private final ServerSocket listener;
    private final int serverPort;
    private final List<Data> dataCommands = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    /** Listens on a free loopback port and relays to the mail server on {@code serverPort}. */
    SmtpTap(int serverPort) {
        this.serverPort = serverPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("smtp-tap", this::acceptConnections).start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** {@code DATA} commands relayed so far. */
    int dataCommands() {
        return dataCommands.size();
    }

    /** The last {@code DATA} command after the first {@code count}, if there was one. */
    Optional<Data> lastDataAfter(int count) {
        List<Data> all = List.copyOf(dataCommands);
        return all.size() > count ? Optional.of(all.get(all.size() - 1)) : Optional.empty();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(SmtpTap::closeQuietly);
    }

    private void acceptConnections() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                sockets.add(client);
                sockets.add(server);
                daemon("smtp-tap-replies", () -> pump(server, client)).start();
                daemon("smtp-tap-commands", () -> relayCommands(client, server)).start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** The mail server's replies, unread. */
    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException connectionEnded) {
            // either side went away
        } finally {
            closeBoth(from, to);
        }
    }

    /** The client's commands, read line by line as they pass: transaction recipients, DATA, and the end of data. */
    private void relayCommands(Socket client, Socket server) {
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
                        continue;
                    }
                    String command = text.toUpperCase(Locale.ROOT);
                    if (command.startsWith("MAIL FROM:") || command.equals("RSET")) {
                        recipients.clear();
                    } else if (command.startsWith("RCPT TO:") && text.contains("<") && text.contains(">")) {
                        recipients.add(text.substring(text.indexOf('<') + 1, text.indexOf('>')).toLowerCase(Locale.ROOT));
                    } else if (command.equals("DATA")) {
                        // Recorded before the command goes on: from here the message may reach the server.
                        dataCommands.add(new Data(dataCommands.size() + 1, List.copyOf(recipients)));
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
        closeQuietly(one);
        closeQuietly(other);
        sockets.remove(one);
        sockets.remove(other);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        return thread;
    }
}
