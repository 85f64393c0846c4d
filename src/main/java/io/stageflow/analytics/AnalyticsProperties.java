package io.stageflow.analytics;

import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stageflow.analytics.*}: the time zone whose days reports count in (the business's, as its marketers read
 * dates), the longest period one report may cover, and how orders are credited to journey emails.
 *
 * @param timeZone    the zone whose calendar days {@code from} and {@code to} name
 * @param maxPeriod   the longest period one report may cover
 * @param attribution how revenue is attributed (docs/analytics.md, "Revenue")
 */
@ConfigurationProperties("stageflow.analytics")
record AnalyticsProperties(@DefaultValue("UTC") ZoneId timeZone, @DefaultValue("P366D") Period maxPeriod,
        @DefaultValue Attribution attribution) {

    /**
     * The attribution rule: the rules are tried in this order, and the first that finds an email credits the order
     * to it. {@code coupon}: the email that carried the coupon the order redeemed (exact, no window);
     * {@code clicked}, {@code opened} (human opens only) and {@code received}: the customer's last journey email
     * clicked, opened or accepted by the mail server within its window before the order.
     *
     * @param rules           the order in which the rules are tried; leave one out to switch it off
     * @param clickedWindow   how long before the order a click still counts
     * @param openedWindow    how long before the order an open still counts
     * @param receivedWindow  how long before the order a received email still counts
     * @param defaultCurrency the currency of an order whose event names none (ISO 4217)
     */
    record Attribution(@DefaultValue({"coupon", "clicked", "opened", "received"}) List<AttributionRule> rules,
            @DefaultValue("P5D") Duration clickedWindow, @DefaultValue("P1D") Duration openedWindow,
            @DefaultValue("P1D") Duration receivedWindow, @DefaultValue("USD") String defaultCurrency) {
    }
}
