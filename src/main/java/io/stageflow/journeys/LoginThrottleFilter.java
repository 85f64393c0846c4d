package io.stageflow.journeys;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import io.stageflow.security.LoginAttempt;
import io.stageflow.security.LoginThrottle;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers {@code 429} with {@code Retry-After} to a sign-in that {@link LoginThrottle} refuses, before Camunda
 * sees it: HTTP Basic on {@code /engine-rest} and the webapps' login form
 * ({@code POST /camunda/api/admin/auth/user/{engine}/login/{app}}). Without it the engine would still refuse
 * ({@link ThrottledPasswords}), but with a plain {@code 401} that does not say when to come back.
 */
class LoginThrottleFilter extends OncePerRequestFilter {

    /** A login form is a user name and a password; anything longer is not read here (the engine still throttles). */
    private static final int MAX_FORM_BYTES = 8 * 1024;

    private final LoginThrottle throttle;

    LoginThrottleFilter(LoginThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpServletRequest forward = request;
        String user = basicUser(request);
        if (user == null && isFormLogin(request)) {
            byte[] form = request.getInputStream().readNBytes(MAX_FORM_BYTES);
            forward = new ReplayedBodyRequest(request, form);
            user = formField(form, "username");
        }
        Optional<Duration> wait = user == null ? Optional.empty() : throttle.refusal(LoginAttempt.of(user, request));
        if (wait.isPresent()) {
            throttle.refuse(request, response, wait.get());
            return;
        }
        chain.doFilter(forward, response);
    }

    /** The user of HTTP Basic credentials, split at the first colon as Camunda does. */
    private static String basicUser(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        try {
            String credentials = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                    StandardCharsets.UTF_8);
            int colon = credentials.indexOf(':');
            return colon < 0 ? null : credentials.substring(0, colon);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static boolean isFormLogin(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return "POST".equals(request.getMethod()) && path.startsWith("/camunda/api/admin/auth/user/")
                && path.contains("/login/") && request.getContentType() != null
                && MediaType.APPLICATION_FORM_URLENCODED.includes(MediaType.parseMediaType(request.getContentType()))
                && request.getContentLengthLong() >= 0 && request.getContentLengthLong() <= MAX_FORM_BYTES;
    }

    private static String formField(byte[] form, String name) {
        for (String pair : new String(form, StandardCharsets.UTF_8).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && name.equals(pair.substring(0, equals))) {
                try {
                    return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return null;
                }
            }
        }
        return null;
    }
}
