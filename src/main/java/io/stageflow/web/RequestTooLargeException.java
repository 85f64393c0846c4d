package io.stageflow.web;

import java.io.IOException;

import org.springframework.http.HttpStatus;

/** Thrown while reading a request body that grows past its endpoint's limit; carries the status to answer. */
class RequestTooLargeException extends IOException {

    private final transient HttpStatus status;

    RequestTooLargeException(long limit, HttpStatus status) {
        super("The request body is larger than the limit of " + limit + " bytes. Send smaller batches.");
        this.status = status;
    }

    RequestTooLargeException(String message, HttpStatus status) {
        super(message);
        this.status = status;
    }

    HttpStatus status() {
        return status;
    }
}
