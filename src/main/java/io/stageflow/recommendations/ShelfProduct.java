package io.stageflow.recommendations;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.stageflow.products.ProductView;

/**
 * A catalogue row as {@code $recommendations} shows it: the map a template reads is made once per locale (the
 * price is written in the customer's locale) and kept with the row, so that a product shown to many customers is
 * not formatted again for each.
 */
final class ShelfProduct {

    private final ProductView row;
    private final Map<Locale, Map<String, Object>> shown = new ConcurrentHashMap<>(4);

    ShelfProduct(ProductView row) {
        this.row = row;
    }

    ProductView row() {
        return row;
    }

    /** The product as templates see it, its price written for this locale. */
    Map<String, Object> shownIn(Locale locale) {
        return shown.computeIfAbsent(locale, each -> Recommendations.shown(row, each));
    }
}
