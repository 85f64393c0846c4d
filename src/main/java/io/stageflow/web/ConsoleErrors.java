package io.stageflow.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.server.ResponseStatusException;

/**
 * A console page that fails shows a page in the console's look, saying what went wrong in words and never a stack
 * trace: a journey that does not exist is a 404 page with a way back, not problem+json. Its figures (JSON, fetched by
 * the page's script) keep their status, and the script says what failed.
 */
@ControllerAdvice(annotations = ConsolePage.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleErrors {

    @ExceptionHandler({ResponseStatusException.class, ErrorResponseException.class})
    ModelAndView failed(Exception exception) {
        ErrorResponse failure = (ErrorResponse) exception;
        HttpStatusCode status = failure.getStatusCode();
        String detail = failure.getBody().getDetail();
        return page(status, detail == null ? HttpStatus.valueOf(status.value()).getReasonPhrase() : detail);
    }

    @ExceptionHandler(InvalidInputException.class)
    ModelAndView invalid(InvalidInputException failure) {
        return page(HttpStatus.BAD_REQUEST, failure.violations().stream()
                .map(violation -> violation.field() + " " + violation.message())
                .collect(java.util.stream.Collectors.joining("; ")));
    }

    private static ModelAndView page(HttpStatusCode status, String detail) {
        ModelAndView page = new ModelAndView("error-page");
        page.setStatus(status);
        page.addObject("status", status.value());
        page.addObject("title", status.value() == 404 ? "Not found" : "Something went wrong");
        page.addObject("detail", detail);
        return page;
    }
}
