package io.stageflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpCookie;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Guessing a password from one address slows down that address for that user only: the real user still signs in
 * from elsewhere, Camunda never locks the account, and the admin always gets in from a trusted address. Requests
 * say where they come from with {@code X-Forwarded-For}, which the test context honours from loopback as a
 * reverse proxy's header would be; without the header they come from 127.0.0.1, which is trusted.
 */
class LoginThrottleTest extends IntegrationTest {

    private static final String PASSWORD = "Throttle-pass-42";
    private static final String WRONG = "Not-the-password-1";

    @Autowired
    IdentityService identityService;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Engine time, and with it Stageflow's clock, stands still unless a test moves it, so waits are exact. */
    @BeforeEach
    void freezeTime() {
        ClockUtil.setCurrentTime(new Date());
    }

    @Test
    void guessingFromOneAddressSlowsOnlyThatAddressAndNeverLocksTheAccount() {
        String user = operator();
        String a = address("203.0.113.");
        String b = address("198.51.100.");

        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            guesses.add(api(user, WRONG, a).statusCode());
        }
        HttpResponse<String> fromB = api(user, PASSWORD, b);
        HttpResponse<String> fromA = api(user, PASSWORD, a);

        assertThat(guesses.subList(0, 5)).containsOnly(401);
        assertThat(guesses.subList(5, 20)).containsOnly(429);
        assertThat(fromB.statusCode()).as("the real user, elsewhere, gets in at once").isEqualTo(200);
        assertThat(fromA.statusCode()).as("the guesser's address waits, even with the right password").isEqualTo(429);
        assertThat(fromA.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(fromA.headers().firstValue("Retry-After")).as("the first wait, 2 s, rounded up to seconds")
                .hasValue("2");
        assertNotLockedByCamunda(user);

        advanceClock(Duration.ofSeconds(3));

        assertThat(api(user, PASSWORD, a).statusCode()).as("after the window").isEqualTo(200);
        assertThat(api(user, WRONG, a).statusCode()).as("the success cleared the count").isEqualTo(401);
        assertThat(identityService.checkPassword(user, PASSWORD)).isTrue();
    }

    @Test
    void theWaitDoublesWithEachFurtherFailure() {
        String user = operator();
        String a = address("203.0.113.");
        for (int i = 0; i < 5; i++) {
            api(user, WRONG, a);
        }
        advanceClock(Duration.ofSeconds(3));

        assertThat(api(user, WRONG, a).statusCode()).as("the sixth guess is checked, and fails").isEqualTo(401);
        assertThat(api(user, PASSWORD, a).headers().firstValue("Retry-After")).hasValue("4");
    }

    @Test
    void engineRestBasicAuthenticationIsThrottledTheSameWay() {
        String user = operator();
        String a = address("203.0.113.");
        String b = address("198.51.100.");
        String path = "/engine-rest/process-definition/count";

        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            guesses.add(get(path, user, WRONG, a).statusCode());
        }
        HttpResponse<String> fromA = get(path, user, PASSWORD, a);

        assertThat(guesses.subList(0, 5)).containsOnly(401);
        assertThat(guesses.subList(5, 8)).containsOnly(429);
        assertThat(fromA.statusCode()).isEqualTo(429);
        assertThat(fromA.headers().firstValue("Retry-After")).isPresent();
        assertThat(fromA.body()).contains("\"status\":429");
        assertThat(get(path, user, PASSWORD, b).statusCode()).isEqualTo(200);
        assertThat(api(user, PASSWORD, b).statusCode()).as("the same user, other paths, other address").isEqualTo(200);
        assertThat(api(user, PASSWORD, a).statusCode()).as("one count per user and address, over every door")
                .isEqualTo(429);
        assertNotLockedByCamunda(user);
    }

    @Test
    void theWebappsLoginFormIsThrottledTheSameWay() {
        String user = operator();
        String a = address("203.0.113.");
        String b = address("198.51.100.");

        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            guesses.add(webappLogin(user, WRONG, a).statusCode());
        }
        HttpResponse<String> fromA = webappLogin(user, PASSWORD, a);
        HttpResponse<String> fromB = webappLogin(user, PASSWORD, b);

        assertThat(guesses.subList(0, 5)).containsOnly(401);
        assertThat(guesses.subList(5, 7)).containsOnly(429);
        assertThat(fromA.statusCode()).isEqualTo(429);
        assertThat(fromA.headers().firstValue("Retry-After")).isPresent();
        assertThat(fromB.statusCode()).as(fromB.body()).isEqualTo(200);
        assertThat(fromB.body()).contains("\"userId\":\"" + user + "\"");
        assertNotLockedByCamunda(user);
    }

    @Test
    void theEnginesOtherPasswordChecksCountToo() {
        String user = operator();
        String a = address("203.0.113.");
        String verify = "{\"username\":\"%s\",\"password\":\"%s\"}";

        for (int i = 0; i < 5; i++) {
            send(HttpRequest.newBuilder(client().uri("/engine-rest/identity/verify"))
                    .header("Authorization", StageflowClient.basic("admin", ADMIN_PASSWORD))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(verify.formatted(user, WRONG))), a);
        }

        assertThat(api(user, PASSWORD, a).statusCode()).as("identity/verify guesses count for that user").isEqualTo(429);
        assertThat(api("admin", ADMIN_PASSWORD, a).statusCode()).as("but not for the one asking").isEqualTo(200);
    }

    @Test
    void theAdminAlwaysGetsInFromATrustedAddressAndCamundaNeverLocksThem() {
        String stranger = address("203.0.113.");
        List<Integer> fromLoopback = new ArrayList<>();
        List<Integer> fromStranger = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fromLoopback.add(api("admin", WRONG, null).statusCode());
            fromStranger.add(api("admin", WRONG, stranger).statusCode());
        }

        assertThat(fromLoopback).as("loopback is trusted: checked every time, never slowed").containsOnly(401);
        assertThat(fromStranger.subList(5, 20)).containsOnly(429);
        assertThat(api("admin", ADMIN_PASSWORD, stranger).statusCode()).isEqualTo(429);
        assertThat(api("admin", ADMIN_PASSWORD, null).statusCode()).as("from loopback").isEqualTo(200);
        assertThat(get("/engine-rest/process-definition/count", "admin", ADMIN_PASSWORD, null).statusCode())
                .isEqualTo(200);
        assertNotLockedByCamunda("admin");
    }

    private void assertNotLockedByCamunda(String user) {
        int attempts = jdbc.sql("select ATTEMPTS_ from ACT_ID_USER where ID_ = ?").param(user)
                .query((row, n) -> row.getInt(1)).single();
        long locked = jdbc.sql("select count(*) from ACT_ID_USER where ID_ = ? and LOCK_EXP_TIME_ is not null")
                .param(user).query(Long.class).single();
        assertThat(attempts).as("Camunda's failed-attempt count").isZero();
        assertThat(locked).as("Camunda's lock").isZero();
    }

    private HttpResponse<String> api(String user, String password, String from) {
        return get("/api/v1/stages", user, password, from);
    }

    private HttpResponse<String> get(String path, String user, String password, String from) {
        return send(HttpRequest.newBuilder(client().uri(path))
                .header("Authorization", StageflowClient.basic(user, password)).GET(), from);
    }

    /**
     * Cockpit's login: a GET for the CSRF token and session, then the form post, as the browser does. Cookies are
     * passed by hand: the mysql profile marks them Secure, which a client over plain HTTP would not send back.
     */
    private HttpResponse<String> webappLogin(String user, String password, String from) {
        HttpResponse<String> page = send(HttpRequest.newBuilder(client().uri("/camunda/api/admin/auth/user/default")).GET(),
                from);
        List<HttpCookie> cookies = page.headers().allValues("Set-Cookie").stream()
                .flatMap(header -> HttpCookie.parse(header).stream()).toList();
        String token = cookies.stream().filter(c -> c.getName().equals("XSRF-TOKEN")).map(HttpCookie::getValue)
                .findFirst().orElseThrow();
        String cookieHeader = String.join("; ", cookies.stream().map(c -> c.getName() + "=" + c.getValue()).toList());
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return send(HttpRequest.newBuilder(client().uri("/camunda/api/admin/auth/user/default/login/cockpit"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-XSRF-TOKEN", token)
                .header("Cookie", cookieHeader).POST(HttpRequest.BodyPublishers.ofString(form)), from);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String from) {
        if (from != null) {
            request.header("X-Forwarded-For", from);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A documentation address (RFC 5737) no other test uses. */
    private static String address(String network) {
        return network + ThreadLocalRandom.current().nextInt(1, 255);
    }

    private String operator() {
        String id = "throttle" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        User user = identityService.newUser(id);
        user.setPassword(PASSWORD);
        identityService.saveUser(user);
        identityService.createMembership(id, Roles.OPERATOR);
        return id;
    }
}
