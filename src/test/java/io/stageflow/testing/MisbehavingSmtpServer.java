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
 * Mail servers that speak just enough SMTP to fail in one way a real one does, one of each per test run:
 * {@link #rejectingPort()} knows no one and answers RCPT TO with {@code 550 5.1.1}, as a real server does for an
 * address that does not exist; {@link #hangingUpPort()} takes the whole message after DATA and then drops the
 * connection without answering, so the client cannot know whether it was accepted.
 */
public final class MisbehavingSmtpServer {

    private enum Failure { REJECT_RECIPIENT, HANG_UP_AFTER_DATA }

    private static final class Holder {
        static final ServerSocket REJECTING = start(Failure.REJECT_RECIPIENT);
        static final ServerSocket HANGING_UP = start(Failure.HANG_UP_AFTER_DATA);

        private static ServerSocket start(Failure failure) {
            try {
                ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Thread acceptor = new Thread(() -> acceptForever(socket, failure), "smtp-" + failure);
                acceptor.setDaemon(true);
                acceptor.start();
                return socket;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private MisbehavingSmtpServer() {
    }

    public static int rejectingPort() {
        return Holder.REJECTING.getLocalPort();
    }

    public static int hangingUpPort() {
        return Holder.HANGING_UP.getLocalPort();
    }

    private static void acceptForever(ServerSocket socket, Failure failure) {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                converse(client, failure);
            } catch (IOException connectionEnded) {
                // the client hung up; wait for the next one
            }
        }
    }

    private static void converse(Socket client, Failure failure) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII);
        reply(out, "220 misbehaving.test ESMTP");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String command = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
            switch (command) {
                case "EHLO", "HELO" -> reply(out, "250 misbehaving.test");
                case "MAIL", "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
                case "RCPT" -> reply(out, failure == Failure.REJECT_RECIPIENT
                        ? "550 5.1.1 The email account that you tried to reach does not exist" : "250 2.1.5 OK");
                case "DATA" -> {
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    for (String data = in.readLine(); data != null && !data.equals("."); data = in.readLine()) {
                        // the whole message arrives...
                    }
                    return; // ...and the connection drops before the answer
                }
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
