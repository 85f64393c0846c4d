package io.stageflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A console session as a browser has it, without the browser: signed in with the sign-in form, its cookie, and
 * the CSRF token the pages carry, for tests that post the console's forms over plain HTTP.
 */
public final class ConsoleSession {

    private final HttpClient http;
    private final String base;
    private final String csrf;

    private ConsoleSession(HttpClient http, String base, String csrf) {
        this.http = http;
        this.base = base;
        this.csrf = csrf;
    }

    /** Signs in at {@code base} (such as {@code http://localhost:8080}); the sign-in must succeed. */
    public static ConsoleSession signIn(String base, String user, String password) {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        ConsoleSession anonymous = new ConsoleSession(http, base, null);
        String login = anonymous.send(HttpRequest.newBuilder(URI.create(base + "/login"))).body();
        HttpResponse<String> signedIn = anonymous.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(user) + "&password="
                        + encode(password) + "&_csrf=" + token(login, "name=\"_csrf\" value=\""))));
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElse("")).doesNotContain("error");
        String home = anonymous.send(HttpRequest.newBuilder(URI.create(base + "/"))).body();
        return new ConsoleSession(http, base, token(home, "name=\"_csrf\" content=\""));
    }

    /** A page, which must answer 200; its HTML. */
    public String get(String path) {
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base + path)));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return page.body();
    }

    /** Posts a form (URL-encoded fields, without the token, which this adds), as the page's form does. */
    public HttpResponse<String> post(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString((form.isEmpty() ? "" : form + "&") + "_csrf=" + csrf)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String token(String html, String before) {
        int start = html.indexOf(before);
        assertThat(start).as("a CSRF token in " + html).isNotNegative();
        start += before.length();
        return html.substring(start, html.indexOf('"', start));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
