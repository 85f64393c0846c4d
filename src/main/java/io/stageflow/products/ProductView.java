package io.stageflow.products;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A product of the shop's catalogue as other features see it (and as {@code GET /api/v1/products/{id}} answers):
 * the shop's own {@code id}, {@code sku}, {@code name}, {@code categoryPath} ({@code "Shoes > Running"}),
 * {@code price} with two decimals in {@code currency} (ISO 4217), the product page {@code url} and
 * {@code imageUrl} (absolute http or https URLs, fit to put in an email), and whether it is {@code inStock}.
 * Templates never get this record (Velocity reads getters and map keys, not record components): they read products
 * as maps, through {@code $products.get(id)} and the lines of {@code $cart} and {@code $order} (orders'
 * {@code ShopTemplateData}), with the price already formatted for the reader.
 */
public record ProductView(String id, String sku, String name, String categoryPath, BigDecimal price,
        String currency, String url, String imageUrl, boolean inStock, Instant createdAt, Instant updatedAt) {

    /** Whether the catalogue data (everything but the timestamps) is the same as {@code other}'s. */
    boolean sameData(ProductView other) {
        return id.equals(other.id) && Objects.equals(sku, other.sku) && name.equals(other.name)
                && Objects.equals(categoryPath, other.categoryPath) && price.compareTo(other.price) == 0
                && currency.equals(other.currency) && Objects.equals(url, other.url)
                && Objects.equals(imageUrl, other.imageUrl) && inStock == other.inStock;
    }
}
