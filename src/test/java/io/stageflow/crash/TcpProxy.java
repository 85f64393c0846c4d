package io.stageflow.crash;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay between the jar and its database that a test can cut: {@link #cut()} resets every open connection
 * (as a failed switch or a database restart would) and refuses new ones until {@link #restore()}. It counts what it
 * did, so a test shows the fault really happened.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong reset = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean cut;

    /** Listens on a free loopback port and relays to {@code targetPort} on the loopback address. */
    TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        listener = LoopbackSockets.listen();
        LoopbackSockets.startDaemon("tcp-proxy", this::acceptConnections);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Resets every relayed connection now and refuses new ones until {@link #restore()}. */
    void cut() {
        cut = true;
        for (Socket socket : open) {
            resetNow(socket);
            reset.incrementAndGet();
        }
        System.out.printf("PROXY cut: %d connections reset, new ones refused%n", reset.get());
    }

    /** Relays new connections again. */
    void restore() {
        cut = false;
        System.out.printf("PROXY restored after %d connections refused%n", refused.get());
    }

    /** Connections relayed so far (pairs opened to the target). */
    long relayed() {
        return relayed.get();
    }

    /** Connection ends reset by {@link #cut()}. */
    long reset() {
        return reset.get();
    }

    /** Connections refused while cut. */
    long refused() {
        return refused.get();
    }

    private void acceptConnections() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            if (cut) {
                refused.incrementAndGet();
                resetNow(client);
                continue;
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(server);
                relayed.incrementAndGet();
                LoopbackSockets.startDaemon("tcp-proxy-up", () -> pump(client, server));
                LoopbackSockets.startDaemon("tcp-proxy-down", () -> pump(server, client));
            } catch (IOException targetDown) {
                resetNow(client);
            }
        }
    }

    /** Copies bytes one way until either side closes; then closes both. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException closed) {
            // one side went away (or the cut reset it): the other goes too
        } finally {
            close(from);
            close(to);
        }
    }

    /** Closes with an RST rather than a FIN, as a connection that breaks does. */
    private void resetNow(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException alreadyClosed) {
            // nothing to reset
        }
        close(socket);
    }

    private void close(Socket socket) {
        open.remove(socket);
        LoopbackSockets.closeQuietly(socket);
    }

    @Override
    public void close() {
        LoopbackSockets.closeQuietly(listener);
        open.forEach(this::close);
    }
}
