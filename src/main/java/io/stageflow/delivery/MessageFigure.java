package io.stageflow.delivery;

import java.util.Locale;

import io.stageflow.subscriptions.Suppressions;
import io.stageflow.support.Tallies;

/**
 * What happened to an email, as message analytics count it per template and per journey step (or broadcast):
 * queued, sent (accepted by the mail server), deferred (held back by pacing or quiet hours; each deferral counts),
 * suppressed with its reason, skipped (no address), withdrawn (its journey ended first), bounced (hard, at once or
 * reported later) or soft-bounced, failed, outcome unknown, unsubscribed by its link, and
 * complained of (marked as spam, as a mailbox provider's feedback loop reported).
 */
public enum MessageFigure {
    QUEUED, SENT,
    /** A provider reported the sent message delivered (an SMS on the handset, a WhatsApp message); not for email. */
    DELIVERED,
    DEFERRED, SKIPPED, FAILED, BOUNCED, OUTCOME_UNKNOWN,
    SUPPRESSED_UNSUBSCRIBED, SUPPRESSED_COMPLAINED, SUPPRESSED_BOUNCED, SUPPRESSED_ERASED,
    /** Marketing email to a customer with no consent on record, where opt-in is required. */
    SUPPRESSED_NO_CONSENT,
    /** Marketing email to a customer who declined marketing email. */
    SUPPRESSED_DECLINED,
    /** Marketing email to a customer of the global control group, which gets none ({@link MarketingHoldout}). */
    SUPPRESSED_CONTROL_GROUP,
    /** The recipient unsubscribed by this email's link (or its List-Unsubscribe), counted once per email. */
    UNSUBSCRIBED,
    /** The recipient marked this email as spam (a feedback-loop report), counted once per email. */
    COMPLAINED,
    /** Withdrawn before it was sent: its journey reached a goal or was cancelled while it waited. */
    WITHDRAWN,
    /**
     * Reported undeliverable for now after it was sent (a full mailbox, a message that expired in a queue): the
     * address is suppressed only after repeated soft bounces. A hard bounce counts as {@link #BOUNCED}.
     */
    SOFT_BOUNCED;

    /** The series of message tallies. */
    public static final String SERIES = "message";
    /** Emails a person opened at least once: added by open tracking to the same series. */
    public static final String UNIQUE_OPENS = "UNIQUE_OPENS";
    /** Emails a machine (an image proxy, a scanner) opened at least once, whoever else did. */
    public static final String UNIQUE_MACHINE_OPENS = "UNIQUE_MACHINE_OPENS";
    /** Emails with at least one click by a person. */
    public static final String UNIQUE_CLICKS = "UNIQUE_CLICKS";

    /** The tally of this figure for an email of {@code template} sent by a step of a journey, or a broadcast. */
    Tallies.Tally of(String template, String journey, String step) {
        return new Tallies.Tally(SERIES, template, 0, sender(journey, step), name());
    }

    /**
     * Who sent it: {@code journey/step} for a journey's step, {@code broadcast:<id>} for a broadcast, "" for a test
     * send.
     */
    public static String sender(String journey, String step) {
        if (journey != null) {
            return journey + "/" + (step == null ? "" : step);
        }
        return step == null ? "" : step;
    }

    static MessageFigure suppressed(Suppressions.Reason reason) {
        return valueOf("SUPPRESSED_" + reason.name().toUpperCase(Locale.ROOT));
    }
}
