package io.stageflow.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mail server of the tests' own, on a plain socket, that misbehaves as real ones do, and counts each fault it
 * injects, so a test shows the fault really happened:
 * <ul>
 * <li>an outage: {@code 451 4.3.0} to every {@code MAIL FROM} for a while, from the first one it sees;</li>
 * <li>throttling: {@code 454 4.7.0 Throttling failure} (Amazon SES's words) to bursts of 5 transactions in every
 * 50;</li>
 * <li>addresses that do not exist: {@code 550 5.1.1} to {@code RCPT TO} for the addresses it is given;</li>
 * <li>a connection reset after {@code DATA}: for the addresses it is given, the first message is read to its end
 * and the connection then reset (TCP RST) without an answer, and the message not kept, as a server that failed
 * before it queued it.</li>
 * </ul>
 * Every message it answers {@code 250} to is kept, by envelope recipient, with its Message-ID; the moment of every
 * {@code MAIL FROM} is kept, to measure the sending rate the client held.
 */
final class FaultySmtpServer implements AutoCloseable {

    private static final Pattern ADDRESS = Pattern.compile("<([^>]*)>");
    private static final Pattern MESSAGE_ID = Pattern.compile("(?i)^message-id:\\s*(\\S+)");

    /** A message the server accepted or reset: its envelope recipients and Message-ID. */
    record Received(List<String> recipients, String messageId) {
    }

    private final ServerSocket listener;
    private final Duration outage;
    private final Set<String> rejected;
    private final Set<String> resetOnce;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Received> accepted = new CopyOnWriteArrayList<>();
    private final List<Received> reset = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> recipientCommands = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> transactionStarts = new ConcurrentLinkedQueue<>();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong outageReplies = new AtomicLong();
    private final AtomicLong throttleReplies = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();
    private volatile long outageStart = Long.MIN_VALUE;

    /**
     * Listens on a free loopback port.
     *
     * @param outage    how long the outage lasts from the first {@code MAIL FROM}
     * @param rejected  addresses answered {@code 550 5.1.1} (lower case)
     * @param resetOnce addresses whose first message is reset after {@code DATA} (lower case)
     */
    FaultySmtpServer(Duration outage, Set<String> rejected, Set<String> resetOnce) {
        this.outage = outage;
        this.rejected = Set.copyOf(rejected);
        this.resetOnce = ConcurrentHashMap.newKeySet();
        this.resetOnce.addAll(resetOnce);
        listener = LoopbackSockets.listen();
        LoopbackSockets.startDaemon("faulty-smtp", this::acceptConnections);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The messages answered {@code 250}. */
    List<Received> accepted() {
        return List.copyOf(accepted);
    }

    /** The messages whose connection was reset after their {@code DATA}, and that were not kept. */
    List<Received> reset() {
        return List.copyOf(reset);
    }

    /** How many times a {@code RCPT TO} named this address. */
    long recipientCommands(String address) {
        AtomicLong count = recipientCommands.get(address.toLowerCase(Locale.ROOT));
        return count == null ? 0 : count.get();
    }

    long outageReplies() {
        return outageReplies.get();
    }

    long throttleReplies() {
        return throttleReplies.get();
    }

    long rejections() {
        return rejections.get();
    }

    long transactions() {
        return transactions.get();
    }

    /** True once the outage has begun and is over. */
    boolean outageOver() {
        return outageStart != Long.MIN_VALUE && System.nanoTime() - outageStart > outage.toNanos();
    }

    /**
     * The most {@code MAIL FROM} commands that arrived within any one second (a sliding window over the moments
     * they arrived): the sending rate the client held at its busiest.
     */
    int busiestSecond() {
        List<Long> starts = new ArrayList<>(transactionStarts);
        starts.sort(null);
        int most = 0;
        int from = 0;
        for (int to = 0; to < starts.size(); to++) {
            while (starts.get(to) - starts.get(from) >= 1_000_000_000L) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }

    @Override
    public void close() {
        LoopbackSockets.closeQuietly(listener);
        open.forEach(LoopbackSockets::closeQuietly);
    }

    private void acceptConnections() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                LoopbackSockets.startDaemon("faulty-smtp-session", () -> converse(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void converse(Socket client) {
        try (client; BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.UTF_8)); OutputStream out = client.getOutputStream()) {
            reply(out, "220 faulty.stageflow.test ESMTP");
            List<String> recipients = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String command = line.length() < 4 ? line.toUpperCase(Locale.ROOT)
                        : line.substring(0, 4).toUpperCase(Locale.ROOT);
                switch (command) {
                    case "EHLO", "HELO" -> reply(out, "250 faulty.stageflow.test");
                    case "NOOP" -> reply(out, "250 2.0.0 OK");
                    case "RSET" -> {
                        recipients.clear();
                        reply(out, "250 2.0.0 OK");
                    }
                    case "MAIL" -> {
                        recipients.clear();
                        reply(out, mailFrom());
                    }
                    case "RCPT" -> {
                        String address = address(line);
                        recipientCommands.computeIfAbsent(address, a -> new AtomicLong()).incrementAndGet();
                        if (rejected.contains(address)) {
                            rejections.incrementAndGet();
                            reply(out, "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown");
                        } else {
                            recipients.add(address);
                            reply(out, "250 2.1.5 OK");
                        }
                    }
                    case "DATA" -> {
                        if (recipients.isEmpty()) {
                            reply(out, "554 5.5.1 No valid recipients");
                            continue;
                        }
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        Received message = new Received(List.copyOf(recipients), readMessage(in));
                        recipients.clear();
                        if (message.recipients().stream().anyMatch(resetOnce::remove)) {
                            reset.add(message);
                            System.out.printf("SMTP reset after DATA of %s for %s%n", message.messageId(),
                                    message.recipients());
                            client.setSoLinger(true, 0); // close sends RST, not FIN
                            return;
                        }
                        accepted.add(message);
                        reply(out, "250 2.0.0 Ok: queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 Command not recognized");
                }
            }
        } catch (IOException clientGone) {
            // the client hung up or broke off; the next connection is served as usual
        } finally {
            open.remove(client);
        }
    }

    /** The reply to {@code MAIL FROM}: the outage, a throttling burst, or OK. */
    private String mailFrom() {
        long now = System.nanoTime();
        transactionStarts.add(now);
        long number = transactions.getAndIncrement();
        if (outageStart == Long.MIN_VALUE) {
            synchronized (this) {
                if (outageStart == Long.MIN_VALUE) {
                    outageStart = now;
                    System.out.printf("SMTP outage begins: 451 to every transaction for %s%n", outage);
                }
            }
        }
        if (now - outageStart < outage.toNanos()) {
            outageReplies.incrementAndGet();
            return "451 4.3.0 Mail server temporarily unavailable, try again later";
        }
        if (number / 5 % 10 == 3) {
            throttleReplies.incrementAndGet();
            return "454 4.7.0 Throttling failure: Maximum sending rate exceeded.";
        }
        return "250 2.1.0 OK";
    }

    /** Reads the message to its ending dot; its Message-ID header. */
    private static String readMessage(BufferedReader in) throws IOException {
        String messageId = null;
        boolean inHeaders = true;
        for (String line = in.readLine(); line != null && !line.equals("."); line = in.readLine()) {
            if (line.isEmpty()) {
                inHeaders = false;
            }
            Matcher id = MESSAGE_ID.matcher(line);
            if (inHeaders && messageId == null && id.find()) {
                messageId = id.group(1);
            }
        }
        return messageId;
    }

    private static String address(String command) {
        Matcher matcher = ADDRESS.matcher(command);
        return matcher.find() ? matcher.group(1).toLowerCase(Locale.ROOT) : "";
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
