package io.stageflow.products;

import java.math.BigDecimal;

/**
 * The body of {@code PUT /api/v1/products/{id}}, and what an import row carries: the whole product, since a
 * catalogue feed sends whole products. A field left out is stored as empty ({@code sku}, {@code categoryPath},
 * {@code url}, {@code imageUrl}); {@code name}, {@code price}, {@code currency} and {@code inStock} are required.
 * The rules are {@link ProductCatalogue#violations}.
 */
public record ProductUpsert(String sku, String name, String categoryPath, BigDecimal price, String currency,
        String url, String imageUrl, Boolean inStock) {
}
