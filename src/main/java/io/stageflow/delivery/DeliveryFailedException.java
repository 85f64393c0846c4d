package io.stageflow.delivery;

/** A requested redelivery failed again; the email stays failed, and its message says why. */
public class DeliveryFailedException extends RuntimeException {

    DeliveryFailedException(String message) {
        super(message);
    }
}
