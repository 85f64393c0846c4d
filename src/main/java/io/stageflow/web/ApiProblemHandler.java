package io.stageflow.web;

import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;


import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every client error of Stageflow's own API into {@code application/problem+json} that names the
 * offending fields in {@code errors}, and keeps stack traces and internals out of the answer.
 */
@RestControllerAdvice(basePackages = "io.stageflow")
class ApiProblemHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<Object> invalidInput(InvalidInputException e, WebRequest request) {
        return invalid("Invalid request", "The request has invalid fields; see errors.", e.violations(), request);
    }

    @ExceptionHandler(RequestTooLargeException.class)
    ResponseEntity<Object> tooLarge(RequestTooLargeException e, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        problem.setTitle("Request body too large");
        return handleExceptionInternal(e, problem, new HttpHeaders(), e.status(), request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldViolation> violations = e.getBindingResult().getFieldErrors().stream()
                .map(error -> new FieldViolation(error.getField(), error.getDefaultMessage()))
                .sorted(Comparator.comparing(FieldViolation::field))
                .toList();
        return invalid("Invalid request", "The request has invalid fields; see errors.", violations, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof RequestTooLargeException tooLarge) {
            return tooLarge(tooLarge, request);
        }
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return invalid("Invalid request", "The request has invalid fields; see errors.",
                    List.of(new FieldViolation(FieldViolation.pathOf(unknown), "is not a known field")), request);
        }
        if (cause instanceof JsonMappingException mapping && !(cause instanceof JsonParseException)
                && !mapping.getPath().isEmpty()) {
            return invalid("Invalid request", "The request has invalid fields; see errors.",
                    List.of(new FieldViolation(FieldViolation.pathOf(mapping), "has the wrong type")), request);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, malformedDetail(e));
        problem.setTitle("Malformed JSON");
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private ResponseEntity<Object> invalid(String title, String detail, List<FieldViolation> violations,
            WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle(title);
        problem.setProperty("errors", violations);
        return handleExceptionInternal(new IllegalArgumentException(detail), problem, new HttpHeaders(),
                HttpStatus.BAD_REQUEST, request);
    }

    private static String malformedDetail(HttpMessageNotReadableException e) {
        if (e.getMostSpecificCause() instanceof JsonParseException parse && parse.getLocation() != null) {
            return "The body is not valid JSON (line " + parse.getLocation().getLineNr() + ", column "
                    + parse.getLocation().getColumnNr() + "): " + parse.getOriginalMessage();
        }
        return "The body is missing or is not valid JSON.";
    }
}
