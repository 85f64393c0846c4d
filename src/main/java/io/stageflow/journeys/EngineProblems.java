package io.stageflow.journeys;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.web.FieldViolation;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Stageflow's own answers in front of the engine's REST APIs, as problem+json like every other client error,
 * for the filters that run before Camunda's Jersey application (which answers in its own JSON).
 */
final class EngineProblems {

    private final ObjectMapper json;

    EngineProblems(ObjectMapper json) {
        this.json = json;
    }

    void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title,
            String detail, List<FieldViolation> violations) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        // Only characters that need no escaping: the path as requested may hold anything.
        problem.setInstance(URI.create(request.getRequestURI().replaceAll("[^A-Za-z0-9/_.~-]", "")));
        if (!violations.isEmpty()) {
            problem.setProperty("errors", violations);
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
