package io.stageflow.crash;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * What the tests' own network servers ({@link TcpProxy}, {@link SmtpTap}, {@link FaultySmtpServer}) share: a listener
 * on a free loopback port, a daemon thread per connection side (a test that ends leaves none behind), and closing
 * what may already be closed.
 */
final class LoopbackSockets {

    private LoopbackSockets() {
    }

    /** A listener on a free port of the loopback address. */
    static ServerSocket listen() {
        try {
            return new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code task} on a daemon thread of this name. */
    static void startDaemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes a socket or listener that a peer, a reset or the test may have closed already. */
    static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException alreadyClosed) {
            // nothing left to close
        }
    }
}
