package io.stageflow.offers;

import java.util.Locale;

/** What a code is worth for an order, as checkout and redemption answer it. */
public enum CouponCheck {
    /** Usable for this order (validate), or used by it now (redeem). */
    VALID("The code is valid"),
    /** This order used it before: redeeming the same order again changes nothing. */
    ALREADY_REDEEMED_BY_THIS_ORDER("This order has already redeemed the code"),
    NOT_FOUND("There is no such code"),
    /** Reserved for an email not sent yet, or released because that email was not sent. */
    NOT_ISSUED("The code has not been issued to anyone"),
    USED("The code has already been used"),
    EXPIRED("The code has expired"),
    REVOKED("The code was withdrawn"),
    WRONG_CUSTOMER("The code belongs to another customer"),
    BELOW_MINIMUM("The order is below the offer's minimum order value");

    private final String message;

    CouponCheck(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }

    /** The answer's name in the API: lower case with underscores, such as {@code wrong_customer}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean valid() {
        return this == VALID || this == ALREADY_REDEEMED_BY_THIS_ORDER;
    }
}
