package io.stageflow.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A mail server that knows no one: it speaks just enough SMTP for a client to reach RCPT TO, and answers that
 * with {@code 550 5.1.1}, as a real server does for an address that does not exist. One per test run.
 */
public final class RejectingSmtpServer {

    private static final class Holder {
        static final ServerSocket SOCKET = start();

        private static ServerSocket start() {
            try {
                ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Thread acceptor = new Thread(() -> acceptForever(socket), "rejecting-smtp");
                acceptor.setDaemon(true);
                acceptor.start();
                return socket;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private RejectingSmtpServer() {
    }

    public static int port() {
        return Holder.SOCKET.getLocalPort();
    }

    private static void acceptForever(ServerSocket socket) {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                converse(client);
            } catch (IOException connectionEnded) {
                // the client hung up; wait for the next one
            }
        }
    }

    private static void converse(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII);
        reply(out, "220 reject.test ESMTP");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String command = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
            switch (command) {
                case "EHLO", "HELO" -> reply(out, "250 reject.test");
                case "MAIL", "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
                case "RCPT" -> reply(out, "550 5.1.1 The email account that you tried to reach does not exist");
                case "QUIT" -> {
                    reply(out, "221 2.0.0 Bye");
                    return;
                }
                default -> reply(out, "503 5.5.1 Bad sequence of commands");
            }
        }
    }

    private static void reply(PrintWriter out, String line) {
        out.print(line + "\r\n");
        out.flush();
    }
}
