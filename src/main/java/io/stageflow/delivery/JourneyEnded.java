package io.stageflow.delivery;

/**
 * Published by the journey engine, in the transaction that ends the journey instance, when an instance ends in a
 * way that makes its unsent email pointless: a goal event ended it (the order arrived, so "you left something in
 * your cart" must not follow), or it was cancelled (deleted, erased). Delivery withdraws the instance's email that is
 * still queued or deferred; an email already being delivered goes on. A journey that ends by its normal path (after
 * its last send step) publishes nothing: that last email is still meant to go.
 *
 * @param journeyInstanceId the instance, as the outbox rows name it
 * @param journeyKey        the journey, for the log
 * @param ending            why it ended
 * @param detail            which goal ("'Order completed for this cart' to 'Cart ordered'"), or the cancellation's
 *                          reason as the engine gave it; may be null
 */
public record JourneyEnded(String journeyInstanceId, String journeyKey, Ending ending, String detail) {

    /** How the instance ended. */
    public enum Ending {
        /** An event (a message, signal or condition) ended it: the customer did what the journey waited for. */
        GOAL,
        /** Deleted by an operator, a migration's clean-up or an erasure, at no end event. */
        CANCELLED
    }

    /** The reason a withdrawn email shows in the message log. */
    public String withdrawalReason() {
        String what = ending == Ending.GOAL ? "the journey reached its goal" : "the journey instance was cancelled";
        return "Withdrawn: " + what + (detail == null || detail.isBlank() ? "" : " (" + detail + ")")
                + " before the email was sent";
    }
}
