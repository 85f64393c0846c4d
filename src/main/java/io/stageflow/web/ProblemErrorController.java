package io.stageflow.web;

import java.net.URI;
import java.util.Optional;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whatever reaches the servlet container's error page ({@code /error}) is answered as
 * {@code application/problem+json}, whatever the client's Accept header says: unknown paths (404), a method a path
 * does not take (405, with Spring's Allow header), an unreadable content type (415) or Accept (406) before any
 * Stageflow controller was chosen, Spring Security's rejection of a suspicious URL (a {@code ;}, {@code %25} or
 * {@code //} in the path, 400), and any other error a filter reports with {@code sendError}. It replaces Spring
 * Boot's error controller, which answers JSON or HTML; no message or stack trace is ever included.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        HttpStatus status = statusOf(request);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detailFor(status));
        problem.setTitle(status.getReasonPhrase());
        instanceOf(request).ifPresent(problem::setInstance);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static HttpStatus statusOf(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
        // Asked for directly (GET /error), nothing failed: there is nothing here.
        return status == null || !status.isError() ? HttpStatus.NOT_FOUND : status;
    }

    private static String detailFor(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "The request cannot be read: its path, headers or body are malformed.";
            case UNAUTHORIZED -> "Send HTTP Basic credentials: a user with a Stageflow role, or a write key for ingestion";
            case FORBIDDEN -> "Your role does not allow this request";
            case NOT_FOUND -> "Nothing is served at this path.";
            case METHOD_NOT_ALLOWED -> "This path does not take this method; the Allow header lists the ones it does.";
            case NOT_ACCEPTABLE -> "This path answers application/json (errors application/problem+json); "
                    + "the Accept header rules out both.";
            case UNSUPPORTED_MEDIA_TYPE -> "Send the body as application/json.";
            case PAYLOAD_TOO_LARGE -> "The request body is too large.";
            default -> status.is5xxServerError() ? "The request failed on the server; the error is logged."
                    : status.getReasonPhrase();
        };
    }

    private static Optional<URI> instanceOf(HttpServletRequest request) {
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (!(uri instanceof String path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(URI.create(path));
        } catch (IllegalArgumentException unusable) {
            return Optional.empty();
        }
    }
}
