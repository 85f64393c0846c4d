package io.stageflow.analytics;

import java.util.Locale;

/** How an order was credited to an email: the rules of {@code stageflow.analytics.attribution.rules}. */
enum AttributionRule {
    COUPON, CLICKED, OPENED, RECEIVED;

    /** The name in settings, reports and CSV: lower case. */
    String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
