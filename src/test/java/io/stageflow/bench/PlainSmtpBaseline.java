package io.stageflow.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import io.stageflow.testing.CountingSmtpSink;

/** The baseline of the broadcast delivery figures of the benchmark scenarios: plain SMTP to the counting sink. */
final class PlainSmtpBaseline {

    private static final int ROUNDS = 3;

    private PlainSmtpBaseline() {
    }

    /**
     * Delivery's physical ceiling: a plain Jakarta Mail client sending {@code count} copies of the broadcast's last
     * email, as the sink received it (so of the same size and MIME structure), each to an address of its own (starting with {@code recipientPrefix}), over
     * as many reused connections as the dispatcher has lanes, to the same sink. No database, rendering or
     * bookkeeping: what the wire and the sink allow on this machine, in this run. The median of three rounds.
     */
    static double rate(String sent, int count, int connections, String recipientPrefix) throws Exception {
        // A round of 20,000 takes about a second on 2 cores, and single rounds gave 9,800 to 20,800 emails/s for the
        // same run's setup: the median of three rounds is the baseline.
        double[] rounds = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            rounds[round] = oneRound(sent, count, connections, recipientPrefix + round + "-");
        }
        Arrays.sort(rounds);
        return rounds[ROUNDS / 2];
    }

    private static double oneRound(String sent, int count, int connections, String recipientPrefix) throws Exception {
        if (sent == null) {
            throw new AssertionError("The sink received no broadcast email to copy");
        }
        Session session = Session.getInstance(new Properties());
        byte[] raw = sent.getBytes(StandardCharsets.UTF_8);
        List<MimeMessage> messages = new ArrayList<>(count);
        List<Address[]> recipients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(new MimeMessage(session, new ByteArrayInputStream(raw)));
            recipients.add(new Address[] {new InternetAddress(recipientPrefix + i + "@" + CountingSmtpSink.DOMAIN)});
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService lanes = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < connections; lane++) {
                running.add(lanes.submit(() -> {
                    Transport transport = session.getTransport("smtp");
                    transport.connect("127.0.0.1", CountingSmtpSink.port(), null, null);
                    try {
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            transport.sendMessage(messages.get(i), recipients.get(i));
                        }
                    } finally {
                        transport.close();
                    }
                    return null;
                }));
            }
            for (Future<?> lane : running) {
                lane.get();
            }
        } finally {
            lanes.shutdownNow();
        }
        double rate = count / seconds(start);
        long received = CountingSmtpSink.countsByRecipient(recipientPrefix).size();
        if (received != count) {
            throw new AssertionError("The plain client's " + count + " emails reached the sink as " + received);
        }
        return rate;
    }


    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
