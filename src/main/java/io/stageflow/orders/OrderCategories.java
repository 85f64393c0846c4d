package io.stageflow.orders;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stageflow.events.EventEffect;
import io.stageflow.products.ProductView;
import io.stageflow.products.Products;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Lets journeys branch on what an order's lines are, not only on an order-level {@code category} the shop may not
 * send: for an {@code order_completed} whose {@code products} have categories, the journeys receive
 * {@value #CATEGORY} (the category the order spent most on, the upsell decision table's input) and
 * {@value #CATEGORIES} (every line's category, each once, joined by commas). A line's category is the event's, or
 * else the first segment of the catalogue's category path ({@code Shoes > Running} gives {@code Shoes}). An order
 * that sends its own {@code category} keeps it; the lines then only give {@value #CATEGORIES}.
 */
@Component
@Order(EventEffect.ORDER_CATEGORIES)
class OrderCategories implements EventEffect {

    static final String CATEGORY = "category";
    static final String CATEGORIES = "categories";

    private final Products products;

    OrderCategories(Products products) {
        this.products = products;
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of(EcommerceEvents.ORDER_COMPLETED);
    }

    @Override
    public void apply(RoutedEvent routed) {
        List<ProductLine> lines = ProductLine.listOf(routed.event().properties().get("products"));
        if (lines.isEmpty()) {
            return;
        }
        Set<String> withoutCategory = new LinkedHashSet<>();
        lines.stream().filter(line -> line.category() == null && line.productId() != null)
                .forEach(line -> withoutCategory.add(line.productId()));
        Map<String, ProductView> catalogue = withoutCategory.isEmpty() ? Map.of() : products.findAll(withoutCategory);
        Map<String, BigDecimal> worth = new LinkedHashMap<>();
        for (ProductLine line : lines) {
            String category = categoryOf(line, catalogue);
            if (category != null) {
                BigDecimal amount = line.price() == null ? BigDecimal.ZERO
                        : line.price().multiply(BigDecimal.valueOf(line.quantity()));
                worth.merge(category, amount, BigDecimal::add);
            }
        }
        if (worth.isEmpty()) {
            return;
        }
        String top = worth.entrySet().stream().reduce((a, b) -> b.getValue().compareTo(a.getValue()) > 0 ? b : a)
                .orElseThrow().getKey();
        routed.journeyVariables().putIfAbsent(CATEGORY, top);
        routed.journeyVariables().putIfAbsent(CATEGORIES, String.join(",", worth.keySet()));
    }

    private static String categoryOf(ProductLine line, Map<String, ProductView> catalogue) {
        if (line.category() != null) {
            return line.category();
        }
        ProductView product = line.productId() == null ? null : catalogue.get(line.productId());
        if (product == null || product.categoryPath() == null || product.categoryPath().isBlank()) {
            return null;
        }
        String first = product.categoryPath().split(">", 2)[0].strip();
        return first.isEmpty() ? null : first;
    }
}
