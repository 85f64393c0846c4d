package io.stageflow.web;

import java.io.IOException;

/** Thrown while reading a request body that grows past {@code stageflow.api.max-request-size}. */
class RequestTooLargeException extends IOException {

    RequestTooLargeException(long limit) {
        super("The request body is larger than the limit of " + limit + " bytes. Split the events into smaller batches.");
    }
}
