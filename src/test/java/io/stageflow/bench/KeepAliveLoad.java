package io.stageflow.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load generator as lean as wrk's: each client thread keeps one HTTP/1.1 connection open and sends a request,
 * reads the whole answer, and sends the next, so that on a 2-core machine shared with the server the client takes as
 * little of the CPU as it can. (The JDK's {@code HttpClient} spends several times more per request, which showed up
 * as a lower ceiling for every route, the baselines included.) The server closing a connection after its
 * keep-alive limit costs a reconnect, counted in the request that met it.
 */
final class KeepAliveLoad {

    /** What a run measured: requests answered with the expected status, others, and latencies (ms) when measured. */
    record Outcome(long answered, long unexpected, double[] sortedMillis, int seconds) {

        double perSecond() {
            return sortedMillis.length / (double) seconds;
        }

        double percentile(double share) {
            return sortedMillis[Math.max(0, (int) Math.ceil(sortedMillis.length * share) - 1)];
        }
    }

    private final URI base;
    private final int threads;
    private final String userAgent;

    KeepAliveLoad(URI base, int threads, String userAgent) {
        this.base = base;
        this.threads = threads;
        this.userAgent = userAgent;
    }

    /**
     * Sends {@code method} requests for the paths round-robin from every thread during the warm-up and the measured
     * seconds; only requests that started and ended within the measured part are timed.
     */
    Outcome run(String method, List<String> paths, int expectedStatus, Duration warmUp, Duration measured)
            throws Exception {
        List<byte[]> requests = paths.stream().map(path -> (method + " " + path + " HTTP/1.1\r\nHost: "
                + base.getHost() + ":" + base.getPort() + "\r\nUser-Agent: " + userAgent
                + "\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)).toList();
        boolean head = method.equals("HEAD");
        AtomicLong next = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong unexpected = new AtomicLong();
        long warmUntil = System.nanoTime() + warmUp.toNanos();
        long measureUntil = warmUntil + measured.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        List<Future<double[]>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(clients.submit(() -> {
                double[] mine = new double[1 << 16];
                int count = 0;
                Connection connection = null;
                try {
                    while (true) {
                        long start = System.nanoTime();
                        if (start >= measureUntil) {
                            break;
                        }
                        if (connection == null) {
                            connection = new Connection(base);
                        }
                        int status;
                        try {
                            status = connection.exchange(requests.get((int) (next.getAndIncrement()
                                    % requests.size())), head);
                        } catch (IOException e) {
                            connection.close();
                            connection = null;
                            unexpected.incrementAndGet();
                            continue;
                        }
                        if (connection.closing) {
                            connection.close();
                            connection = null;
                        }
                        long end = System.nanoTime();
                        (status == expectedStatus ? answered : unexpected).incrementAndGet();
                        if (start >= warmUntil && end <= measureUntil) {
                            if (count == mine.length) {
                                mine = Arrays.copyOf(mine, count * 2);
                            }
                            mine[count++] = (end - start) / 1e6;
                        }
                    }
                } finally {
                    if (connection != null) {
                        connection.close();
                    }
                }
                return Arrays.copyOf(mine, count);
            }));
        }
        List<double[]> all = new ArrayList<>();
        for (Future<double[]> client : running) {
            all.add(client.get());
        }
        clients.shutdown();
        double[] millis = all.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
        return new Outcome(answered.get(), unexpected.get(), millis, (int) measured.toSeconds());
    }

    /** One kept-alive connection: writes a request, reads the status line, the headers and the body. */
    private static final class Connection {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] body = new byte[8192];
        private boolean closing;

        Connection(URI base) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
        }

        int exchange(byte[] request, boolean head) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(header.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closing = true;
                }
            }
            if (head || status == 204 || status == 304) {
                return status;
            }
            if (chunked) {
                for (long size = Long.parseLong(line().strip(), 16); size > 0;
                        size = Long.parseLong(line().strip(), 16)) {
                    skip(size);
                    line();
                }
                line(); // the empty line after the last chunk (no trailers are sent)
            } else if (length > 0) {
                skip(length);
            } else if (length < 0) {
                closing = true; // read to the end: the server closes
                while (in.read(body) >= 0) {
                    // discard
                }
            }
            return status;
        }

        private void skip(long bytes) throws IOException {
            long left = bytes;
            while (left > 0) {
                int read = in.read(body, 0, (int) Math.min(body.length, left));
                if (read < 0) {
                    throw new IOException("the answer ended early");
                }
                left -= read;
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("the connection was closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }
}
