package io.stageflow.loyalty;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stageflow.loyalty.*}: how orders and events earn points, when points expire, and the tiers (docs/loyalty.md).
 *
 * @param pointsPerUnit        points per whole unit of an order's currency, by currency code (for example
 *                             {@code points-per-unit.EUR=1}, {@code points-per-unit.JPY=0.01}); an order earns its
 *                             amount times this rate, rounded down to whole points
 * @param defaultPointsPerUnit points per unit of a currency that {@code points-per-unit} does not name
 * @param bonus                bonus points per event type (for example {@code bonus.review_submitted=50},
 *                             {@code bonus.referral_converted=200}), earned once per event (its messageId); none by default
 * @param pointsExpireAfter    how long earned and bonus points last after the event that earned them; the oldest are
 *                             used first; {@code 0} (or {@code P0D}) keeps them for ever
 * @param tiers                the tiers, lowest first, as {@code name:threshold}: the points earned within
 *                             {@code tier-window} a customer needs for the tier; the first threshold must be 0
 * @param tierWindow           the rolling window over which points count toward a tier
 * @param cron                 when points that have expired leave the balances and tiers are evaluated again as the
 *                             window rolls (a Spring cron, in UTC); {@code -} turns it off
 */
@ConfigurationProperties("stageflow.loyalty")
record LoyaltyProperties(
        Map<String, BigDecimal> pointsPerUnit,
        @DefaultValue("1") BigDecimal defaultPointsPerUnit,
        Map<String, Integer> bonus,
        @DefaultValue("P365D") Duration pointsExpireAfter,
        @DefaultValue({"Member:0", "Silver:500", "Gold:2000"}) List<String> tiers,
        @DefaultValue("P365D") Duration tierWindow,
        @DefaultValue("0 20 * * * *") String cron) {

    LoyaltyProperties {
        Map<String, BigDecimal> rates = new HashMap<>();
        if (pointsPerUnit != null) {
            pointsPerUnit.forEach((currency, rate) -> {
                if (rate == null || rate.signum() < 0) {
                    throw new IllegalArgumentException("stageflow.loyalty.points-per-unit." + currency
                            + " must be zero or more");
                }
                rates.put(currency.strip().toUpperCase(Locale.ROOT), rate);
            });
        }
        pointsPerUnit = Map.copyOf(rates);
        if (defaultPointsPerUnit.signum() < 0) {
            throw new IllegalArgumentException("stageflow.loyalty.default-points-per-unit must be zero or more");
        }
        bonus = bonus == null ? Map.of() : Map.copyOf(bonus);
        bonus.forEach((type, points) -> {
            if (points == null || points < 0) {
                throw new IllegalArgumentException("stageflow.loyalty.bonus." + type + " must be zero or more");
            }
        });
        if (pointsExpireAfter.isNegative()) {
            throw new IllegalArgumentException("stageflow.loyalty.points-expire-after must not be negative");
        }
        if (tierWindow.isNegative() || tierWindow.isZero()) {
            throw new IllegalArgumentException("stageflow.loyalty.tier-window must be positive");
        }
        tiers = List.copyOf(tiers);
        Tiers.parse(tiers); // fails on a bad list at start-up
    }

    /** The rate for an order in this currency. */
    BigDecimal rateFor(String currency) {
        return currency == null ? defaultPointsPerUnit : pointsPerUnit.getOrDefault(currency, defaultPointsPerUnit);
    }
}
