package io.stageflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * One receiving HTTP server for the webhook tests, for the whole run (so the Spring context cache keeps working):
 * records every call with its headers and body, and answers each path from a script a test sets (a status and body),
 * 200 with {@code {}} when none is left. Tests tell calls apart by path.
 */
public final class TestWebhookReceiver {

    /** The endpoint secret the tests configure first, and the second one, valid at once (a rotation). */
    public static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public static final String SECOND_SECRET = "whsec_c2Vjb25kLXNlY3JldC1mb3ItdGhlLXJvdGF0aW9u";

    /** One call as received. */
    public record Call(String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** What a path answers next: a status and body. */
    public record Answer(int status, String body) {
    }

    private static final class Holder {
        static final TestWebhookReceiver RECEIVER = new TestWebhookReceiver();
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();

    private TestWebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String path = exchange.getRequestURI().getPath();
            calls.add(new Call(path, Map.copyOf(exchange.getRequestHeaders()), body));
            Deque<Answer> script = scripts.get(path);
            Answer answer = script == null ? null : script.poll();
            if (answer == null) {
                answer = new Answer(200, "{}");
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
    }

    public static TestWebhookReceiver get() {
        return Holder.RECEIVER;
    }

    public static int port() {
        return get().server.getAddress().getPort();
    }

    /** The base URL endpoints are configured under. */
    public static String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Makes {@code path} answer these, in order, before the default 200. */
    public void script(String path, Answer... answers) {
        scripts.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(answers));
    }

    /** The calls to {@code path} so far, in order. */
    public List<Call> callsTo(String path) {
        return calls.stream().filter(call -> call.path().equals(path)).toList();
    }
}
