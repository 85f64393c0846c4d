package io.stageflow.offers;

/** The life of a coupon. Expiry is not a status: a coupon past {@code expires_at} is expired whatever it says. */
public enum CouponStatus {
    /** Set aside by an Issue coupon step for the email that follows it; not usable until that email is sent. */
    RESERVED,
    /** Its email was sent: the customer has the code and may use it. */
    ISSUED,
    /** Used up by orders. */
    REDEEMED,
    /** Its email was not sent (suppressed, skipped, failed): never reached the customer, not counted as issued. */
    RELEASED,
    /** Taken back, for example a referral reward after the friend's order was refunded. */
    REVOKED
}
