package io.stageflow.orders;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.stageflow.products.ProductView;

/**
 * {@code $products} in templates: {@code $products.get('sku-123')} is that product of the catalogue as
 * {@code $cart}'s lines show products ({@code name}, {@code price}, {@code imageUrl}, {@code url}, …), or null when
 * the catalogue has no such product, so a template asks {@code #if($products.get('sku-123'))} first. Products the
 * wave of emails already read (those of its carts and orders) are not read again, nor is any product read twice;
 * a product is shaped for the customer (its price in their locale) only when the template asks for it, not for
 * every product of the wave.
 * Public because Velocity only calls public methods of public classes.
 */
public final class ProductLookup {

    private final Map<String, Optional<Map<String, Object>>> known = new ConcurrentHashMap<>();
    private final Function<String, Optional<ProductView>> catalogue;
    private final Function<ProductView, Map<String, Object>> shown;

    /**
     * @param catalogue the product with an id: one the wave already read, else read from the catalogue
     * @param shown     the product as the customer's templates see it
     */
    ProductLookup(Function<String, Optional<ProductView>> catalogue, Function<ProductView, Map<String, Object>> shown) {
        this.catalogue = catalogue;
        this.shown = shown;
    }

    /** The product with this id, or null when the catalogue has none. */
    public Map<String, Object> get(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        return known.computeIfAbsent(id, key -> catalogue.apply(key).map(shown)).orElse(null);
    }
}
