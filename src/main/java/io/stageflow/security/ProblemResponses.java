package io.stageflow.security;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** 401 and 403 as problem+json, like every other error of the API, and without saying why a login failed. */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (e instanceof LoginThrottledException throttled) {
            tooManySignIns(request, response, throttled.retryAfter());
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Stageflow\"");
        write(response, request, HttpStatus.UNAUTHORIZED, "Authentication required",
                "Send HTTP Basic credentials: a user with a Stageflow role, or a write key for ingestion");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        write(response, request, HttpStatus.FORBIDDEN, "Forbidden", "Your role does not allow this request");
    }

    /** 429 with {@code Retry-After} in whole seconds, rounded up: a sign-in refused by {@link LoginThrottle}. */
    static void tooManySignIns(HttpServletRequest request, HttpServletResponse response, Duration retryAfter)
            throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER,
                Long.toString(new IngestionRateLimiter.Decision(false, retryAfter).retryAfterSeconds()));
        write(response, request, HttpStatus.TOO_MANY_REQUESTS, "Too many failed sign-ins",
                "Too many failed sign-ins for this user from your address; retry after the Retry-After seconds");
    }

    private static void write(HttpServletResponse response, HttpServletRequest request, HttpStatus status,
            String title, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("""
                {"type":"about:blank","title":"%s","status":%d,"detail":"%s","instance":"%s"}"""
                .formatted(title, status.value(), detail, request.getRequestURI().replace("\"", "")));
    }
}
