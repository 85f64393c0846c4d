package io.stageflow.delivery;

import io.stageflow.subscriptions.EmailCategory;

/**
 * How urgent an email is, in the order the dispatcher sends them: transactional email first, then a journey's
 * triggered email (a step may ask for high or low among journeys), then broadcasts. Under the frequency cap an email
 * counts only the marketing sends of its own band or a more urgent one, so a broadcast never delays a journey's
 * email, while a journey's email sent today does hold a broadcast back.
 */
public enum SendPriority {
    /** Receipts and account notices: exempt from the cap, sent before anything else. */
    TRANSACTIONAL(0),
    /** A journey step marked high priority, such as a cart reminder that should beat a win-back email. */
    TRIGGERED_HIGH(10),
    /** A journey step's email: the default for marketing email a journey sends. */
    TRIGGERED(20),
    /** A journey step marked low priority. */
    TRIGGERED_LOW(30),
    /** One email of a broadcast to a segment: last in line, and never in the way of a journey's email. */
    BROADCAST(40);

    private final int rank;

    SendPriority(int rank) {
        this.rank = rank;
    }

    /** The value stored in {@code sf_outbox.priority}; lower goes first. */
    public int rank() {
        return rank;
    }

    /** The default for an email of this category sent by a journey step. */
    public static SendPriority forJourney(EmailCategory category) {
        return category == EmailCategory.TRANSACTIONAL ? TRANSACTIONAL : TRIGGERED;
    }

    /** The priority stored as {@code rank}; an unknown rank (a newer node's) counts as a journey's normal one. */
    static SendPriority ofRank(int rank) {
        for (SendPriority priority : values()) {
            if (priority.rank == rank) {
                return priority;
            }
        }
        return TRIGGERED;
    }

    /**
     * The least urgent rank whose sends count towards this email's frequency cap: the end of its band (transactional,
     * triggered, broadcast).
     */
    int capCountsUpTo() {
        return switch (this) {
            case TRANSACTIONAL -> TRANSACTIONAL.rank;
            case TRIGGERED_HIGH, TRIGGERED, TRIGGERED_LOW -> TRIGGERED_LOW.rank;
            case BROADCAST -> BROADCAST.rank;
        };
    }
}
