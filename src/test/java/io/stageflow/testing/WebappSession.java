package io.stageflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import io.stageflow.testing.StageflowClient.Response;

/**
 * A browser-like session of Camunda's webapps (Cockpit, Tasklist): session cookie, login form, and the CSRF token
 * Camunda sends in the {@code X-XSRF-TOKEN} header and {@code XSRF-TOKEN} cookie, sent back on every change.
 * Calls go to the webapps' own engine API, {@code /camunda/api/engine/engine/default/...}. Cookies are kept by
 * hand, as a browser behind TLS would: the {@code mysql} profile marks them {@code Secure}, which a cookie
 * manager would never send over the tests' plain HTTP.
 */
public final class WebappSession {

    private static final String ENGINE_API = "/camunda/api/engine/engine/default";

    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private String csrfToken;

    private WebappSession(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /** Logs in to the Welcome app (open to every user), as the login page does; the login must succeed. */
    public static WebappSession login(int port, String user, String password) {
        WebappSession session = new WebappSession(port);
        session.refreshToken();
        Response login = session.send(HttpRequest.newBuilder(session.uri("/camunda/api/admin/auth/user/default/login/welcome"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(user) + "&password=" + encode(password))));
        login.expectStatus(200);
        // Camunda starts a new session at login, and with it a new token.
        session.refreshToken();
        return session;
    }

    /** POSTs JSON to the webapps' engine API, with the CSRF token. */
    public Response postToEngine(String path, String json) {
        return send(HttpRequest.newBuilder(uri(ENGINE_API + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Sends JSON (or nothing, when null) with any method to the webapps' engine API, with the CSRF token. */
    public Response sendToEngine(String method, String path, String json) {
        return send(HttpRequest.newBuilder(uri(ENGINE_API + path)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response getFromEngine(String path) {
        return send(HttpRequest.newBuilder(uri(ENGINE_API + path)).GET());
    }

    /** The Welcome app's page, as a browser loads it first: open to anyone, and it hands out the token. */
    private void refreshToken() {
        send(HttpRequest.newBuilder(uri("/camunda/app/welcome/default/")).GET());
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private Response send(HttpRequest.Builder request) {
        if (csrfToken != null) {
            request.header("X-XSRF-TOKEN", csrfToken);
        }
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                    .collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            response.headers().firstValue("X-XSRF-TOKEN").ifPresent(token -> csrfToken = token);
            for (String setCookie : response.headers().allValues("Set-Cookie")) {
                String pair = setCookie.split(";", 2)[0];
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    cookies.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
                }
            }
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
