package io.stageflow.orders;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.stageflow.events.EventProperties;

/**
 * One product as an e-commerce event carries it, at its top ({@code Product Added}, {@code Product Viewed}) or as an
 * item of {@code products}: Segment's {@code product_id} (or {@code productId}, {@code id}), {@code sku},
 * {@code name}, {@code category}, {@code price} (none when negative) and {@code quantity} (1 when not sent). Texts longer than their column
 * are cut; intake has checked the price and quantity ({@code events.StrictIntake}).
 */
record ProductLine(String productId, String sku, String name, String category, BigDecimal price, int quantity,
        boolean quantitySent) {

    private static final List<String> PRODUCT_ID = List.of("product_id", "productId", "id");

    /** The product in these properties, or null when they name no product (no id and no SKU). */
    static ProductLine of(Map<?, ?> properties) {
        String productId = null;
        for (String property : PRODUCT_ID) {
            productId = productId != null ? productId : text(properties.get(property), 100);
        }
        String sku = text(properties.get("sku"), 100);
        if (productId == null && sku == null) {
            return null;
        }
        BigDecimal price = EventProperties.money(properties.get("price"));
        Object quantity = properties.get("quantity");
        return new ProductLine(productId, sku, text(properties.get("name"), 300), text(properties.get("category"), 200),
                price == null || price.signum() < 0 ? null : price,
                quantity instanceof Number number ? number.intValue() : 1, quantity instanceof Number);
    }

    /** The products of a {@code products} array, in order, skipping items that name no product. */
    static List<ProductLine> listOf(Object products) {
        if (!(products instanceof List<?> items)) {
            return List.of();
        }
        return items.stream().filter(Map.class::isInstance).map(item -> of((Map<?, ?>) item))
                .filter(line -> line != null).toList();
    }

    /** What tells two lines of a cart apart: the product id, or the SKU when there is none. */
    String key() {
        return productId != null ? productId : sku;
    }

    private static String text(Object value, int max) {
        if (value == null || value instanceof Map || value instanceof List) {
            return null;
        }
        String text = value.toString().strip();
        return text.isEmpty() ? null : text.length() <= max ? text : text.substring(0, max);
    }
}
