package io.stageflow.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real SMTP server that keeps no messages, only how many it accepted per recipient: for bulk tests (a broadcast
 * to thousands), where GreenMail takes some 50 ms a message on the EHLO exchange alone. Mail for addresses at
 * {@value #DOMAIN} goes here ({@link SmtpOutages}); everything else still goes to GreenMail.
 */
public final class CountingSmtpSink {

    public static final String DOMAIN = "sink.stageflow.test";

    private static final class Holder {
        static final CountingSmtpSink SINK = new CountingSmtpSink();
    }

    private final ServerSocket server;
    private final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
    private final Map<String, Long> firstAcceptedNanos = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private volatile String lastMessage;
    private final AtomicLong connections = new AtomicLong();

    private CountingSmtpSink() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::accept, "counting-smtp-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static int port() {
        return Holder.SINK.server.getLocalPort();
    }

    /** How many messages the sink accepted for this address (lower case). */
    public static long countFor(String email) {
        AtomicLong count = Holder.SINK.received.get(email.toLowerCase(Locale.ROOT));
        return count == null ? 0 : count.get();
    }

    /** Messages accepted per recipient address that starts with {@code prefix}. */
    public static Map<String, Long> countsByRecipient(String prefix) {
        Map<String, Long> counts = new java.util.HashMap<>();
        Holder.SINK.received.forEach((address, count) -> {
            if (address.startsWith(prefix)) {
                counts.put(address, count.get());
            }
        });
        return counts;
    }

    /** {@link System#nanoTime()} when the sink first accepted a message for this address (lower case), or null. */
    public static Long firstAcceptedNanos(String email) {
        return Holder.SINK.firstAcceptedNanos.get(email.toLowerCase(Locale.ROOT));
    }

    /** The text of the last message the sink accepted (as it came in DATA, without the final dot), or null. */
    public static String lastMessage() {
        return Holder.SINK.lastMessage;
    }

    /** Connections the sink has accepted so far. */
    public static long connections() {
        return Holder.SINK.connections.get();
    }

    /** Messages accepted so far, all recipients together. */
    public static long total() {
        return Holder.SINK.total.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread handler = new Thread(() -> serve(socket), "counting-smtp-sink-session");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 sink ESMTP");
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO") || command.startsWith("HELO")) {
                    reply(out, "250 sink");
                } else if (command.startsWith("MAIL FROM")) {
                    recipients.clear();
                    reply(out, "250 OK");
                } else if (command.startsWith("RCPT TO")) {
                    recipients.add(line.substring(line.indexOf('<') + 1, line.lastIndexOf('>')).toLowerCase(Locale.ROOT));
                    reply(out, "250 OK");
                } else if (command.equals("DATA")) {
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    StringBuilder message = new StringBuilder();
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        message.append(line).append("\r\n"); // only the last message is kept
                    }
                    lastMessage = message.toString();
                    long now = System.nanoTime();
                    recipients.forEach(r -> {
                        received.computeIfAbsent(r, k -> new AtomicLong()).incrementAndGet();
                        firstAcceptedNanos.putIfAbsent(r, now);
                        total.incrementAndGet();
                    });
                    recipients.clear();
                    reply(out, "250 OK queued");
                } else if (command.equals("QUIT")) {
                    reply(out, "221 Bye");
                    return;
                } else {
                    reply(out, "250 OK");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
