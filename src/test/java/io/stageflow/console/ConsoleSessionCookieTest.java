package io.stageflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;

/**
 * The console's session cookie: usable on a plain-http host (not Secure, so a browser sends it back over http), and
 * Secure on a request that came over TLS, here through a proxy that says so ({@code X-Forwarded-Proto: https}, which
 * the tests' {@code server.forward-headers-strategy: native} honours from loopback, as production does for the proxy
 * it is told about). HttpOnly and SameSite=Lax either way. Cockpit's CSRF cookie likewise.
 */
class ConsoleSessionCookieTest extends IntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theSessionCookieIsSecureOnlyWhenTheRequestCameOverTls() throws Exception {
        String plain = sessionCookie(HttpRequest.newBuilder(URI.create(baseUrl() + "/login")).build());
        assertThat(plain).startsWith("JSESSIONID=").containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Lax").doesNotContainIgnoringCase("Secure");

        String overTls = sessionCookie(HttpRequest.newBuilder(URI.create(baseUrl() + "/login"))
                .header("X-Forwarded-Proto", "https").build());
        assertThat(overTls).startsWith("JSESSIONID=").containsIgnoringCase("; Secure")
                .containsIgnoringCase("HttpOnly");
    }

    @Test
    void cockpitsCsrfCookieIsSecureOnlyWhenTheRequestCameOverTls() throws Exception {
        String plain = cookie(HttpRequest.newBuilder(URI.create(baseUrl() + "/camunda/app/welcome/default/")).build(),
                "XSRF-TOKEN=");
        assertThat(plain).doesNotContainIgnoringCase("Secure");

        String overTls = cookie(HttpRequest.newBuilder(URI.create(baseUrl() + "/camunda/app/welcome/default/"))
                .header("X-Forwarded-Proto", "https").build(), "XSRF-TOKEN=");
        assertThat(overTls).containsIgnoringCase(";Secure");
    }

    private String sessionCookie(HttpRequest request) throws Exception {
        return cookie(request, "JSESSIONID=");
    }

    private String cookie(HttpRequest request, String name) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie: " + response.headers()));
    }
}
