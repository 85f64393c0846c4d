package io.stageflow.delivery;

/**
 * Whether a channel's message may go to its customer, and if not why: {@code suppressed} when the customer withdrew
 * consent or the address cannot be reached (counted as suppressed), {@code skipped} when there is nothing to send to
 * (no phone number). {@code reason} is what the message log shows.
 */
public record ChannelConsent(Verdict verdict, String reason) {

    /** What becomes of the message. */
    public enum Verdict { ALLOWED, SUPPRESSED, SKIPPED }

    private static final ChannelConsent ALLOWED = new ChannelConsent(Verdict.ALLOWED, null);

    public static ChannelConsent allowed() {
        return ALLOWED;
    }

    public static ChannelConsent suppressed(String reason) {
        return new ChannelConsent(Verdict.SUPPRESSED, reason);
    }

    public static ChannelConsent skipped(String reason) {
        return new ChannelConsent(Verdict.SKIPPED, reason);
    }
}
