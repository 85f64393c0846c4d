package io.stageflow.offers;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;

import io.stageflow.web.InvalidInputException;

/**
 * What a coupon of this offer is worth: {@code percent} off, or a fixed {@code amount} in {@code currency}; valid
 * for {@code validityDays} after it is issued; only for orders of at least {@code minimumOrder} (optional) and
 * in {@code category} (optional, a label the shop applies); usable {@code maxUses} times (1: single use).
 */
public record OfferDefinition(
        String key,
        Kind kind,
        BigDecimal value,
        String currency,
        int validityDays,
        BigDecimal minimumOrder,
        String category,
        int maxUses,
        String source) {

    /** Percent off, or a fixed amount off. */
    public enum Kind { PERCENT, AMOUNT }

    static final String KEY = "[a-z0-9][a-z0-9-]{0,63}";

    /** Checks every field; the problem, as an API answer, when one is unusable. */
    OfferDefinition validated() {
        if (key == null || !key.matches(KEY)) {
            throw new InvalidInputException("offer", "An offer key is lower-case letters, digits and hyphens, such as first-order");
        }
        if (kind == null) {
            throw new InvalidInputException("offer", "Offer '" + key + "' needs a kind: percent or amount");
        }
        if (value == null || value.signum() <= 0 || kind == Kind.PERCENT && value.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new InvalidInputException("offer", "Offer '" + key + "' needs a value above 0"
                    + (kind == Kind.PERCENT ? " and at most 100 (percent)" : ""));
        }
        try {
            Currency.getInstance(currency == null ? "" : currency.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("offer", "Offer '" + key + "' has currency '" + currency
                    + "'; use an ISO 4217 code such as EUR or USD");
        }
        if (validityDays < 1 || validityDays > 3650) {
            throw new InvalidInputException("offer", "Offer '" + key + "' needs validityDays between 1 and 3650");
        }
        if (minimumOrder != null && minimumOrder.signum() < 0) {
            throw new InvalidInputException("offer", "Offer '" + key + "' has a negative minimumOrder");
        }
        if (maxUses < 1) {
            throw new InvalidInputException("offer", "Offer '" + key + "' needs maxUses of at least 1");
        }
        return new OfferDefinition(key, kind, value, currency.toUpperCase(Locale.ROOT), validityDays, minimumOrder,
                category == null || category.isBlank() ? null : category.strip(), maxUses, source);
    }
}
