package io.stageflow.web;

import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;


import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
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

    /** A required query parameter that is missing: 400 naming it. */
    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return invalid("Invalid request", "A required parameter is missing; see errors.",
                List.of(new FieldViolation(e.getParameterName(), "is required")), request);
    }

    /** A required part of a multipart upload (the file) that is missing: 400 naming it. */
    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return invalid("Invalid request", "A required part of the upload is missing; see errors.",
                List.of(new FieldViolation(e.getRequestPartName(), "is required")), request);
    }

    /** A path or query parameter that cannot be read as its type ({@code version=abc}): 400 naming it. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getName()
                : e.getPropertyName();
        String type = e.getRequiredType() == null ? "the expected type" : e.getRequiredType().getSimpleName();
        String value = String.valueOf(e.getValue());
        return invalid("Invalid request", "A parameter has the wrong type; see errors.",
                List.of(new FieldViolation(name == null ? "parameter" : name, "is not a valid " + type + ": '"
                        + (value.length() > 60 ? value.substring(0, 60) + "…" : value) + "'")), request);
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
        if (e.getMostSpecificCause() instanceof java.util.zip.ZipException
                || e.getMostSpecificCause() instanceof java.io.EOFException) {
            return "The body is sent with Content-Encoding: gzip but is not complete gzip data.";
        }
        if (e.getMostSpecificCause() instanceof JsonParseException parse && parse.getLocation() != null) {
            return "The body is not valid JSON (line " + parse.getLocation().getLineNr() + ", column "
                    + parse.getLocation().getColumnNr() + "): " + parse.getOriginalMessage();
        }
        return "The body is missing or is not valid JSON.";
    }
}
