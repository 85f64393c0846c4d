package io.stageflow.recommendations;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import io.stageflow.customers.Customer;
import io.stageflow.orders.Orders;
import io.stageflow.products.ProductView;
import io.stageflow.products.Products;
import io.stageflow.recommendations.CoOccurrence.Scored;
import io.stageflow.templates.TemplateExtras;

import org.springframework.stereotype.Component;

/**
 * {@code $recommendations} in templates ({@link Recommendations}). A wave of emails costs one read of what its
 * customers bought, one of the stored lists of those products, one of the catalogue rows of every product in them
 * (and of the overall best-sellers), and, only when a customer's own picks fall short, one more of the best-sellers
 * of the wave's customers' categories; plus a one-row read of the latest published generation, whose best-seller
 * lists are kept in memory until the next one. Previews show sample products; a customer with no history gets the
 * best-sellers.
 */
@Component
class RecommendationTemplateExtras implements TemplateExtras {

    static final String NAME = "recommendations";

    /** The sample catalogue of previews: the customer bought the shoe. */
    static final List<ProductView> SAMPLE_PRODUCTS = List.of(
            sample("sample-shoe", "Trail running shoe", "Shoes > Running", "89.90"),
            sample("sample-socks", "Merino socks", "Socks", "12.50"),
            sample("sample-laces", "Reflective laces", "Shoes > Accessories", "4.90"),
            sample("sample-bottle", "Running bottle", "Accessories", "14.00"),
            sample("sample-cap", "Running cap", "Accessories", "19.00"));

    private final Orders orders;
    private final Products products;
    private final RecommendationStore store;
    private final int historyLimit;
    private volatile StoredBestsellers cached = new StoredBestsellers(0, Map.of());

    RecommendationTemplateExtras(Orders orders, Products products, RecommendationStore store,
            RecommendationsProperties properties) {
        this.orders = orders;
        this.products = products;
        this.store = store;
        this.historyLimit = properties.historyLimit();
    }

    @Override
    public Map<String, Map<String, Object>> forDeliveries(Map<String, Customer> recipientsByIdempotencyKey) {
        Set<String> customerIds = new LinkedHashSet<>();
        recipientsByIdempotencyKey.values().forEach(customer -> customerIds.add(customer.id()));
        Map<String, List<String>> bought = orders.boughtProducts(customerIds);
        OptionalInt generation = store.latestGeneration();
        Map<String, List<Scored>> bestsellers = bestsellers(generation);
        Set<String> withLists = new LinkedHashSet<>();
        bought.values().forEach(list -> withLists.addAll(list.subList(0, Math.min(list.size(), historyLimit))));
        Map<String, List<Scored>> lists = generation.isPresent()
                ? store.recommendationsOf(generation.getAsInt(), withLists) : Map.of();
        Set<String> toRead = new LinkedHashSet<>();
        bought.values().forEach(toRead::addAll);
        lists.values().forEach(list -> list.forEach(scored -> toRead.add(scored.productId())));
        bestsellers.getOrDefault("", List.of()).forEach(scored -> toRead.add(scored.productId()));
        Map<String, ProductView> catalogue = toRead.isEmpty() ? Map.of() : products.findAll(toRead);
        Shelf shelf = new Shelf(lists, withLists, () -> bestsellers, catalogue, toRead,
                id -> generation.isPresent()
                        ? store.recommendationsOf(generation.getAsInt(), List.of(id)).getOrDefault(id, List.of())
                        : List.of(),
                products::findAll);
        // The best-sellers of the customers' categories, for those whose own picks may fall short: one more read.
        Set<String> categoryBestsellers = new LinkedHashSet<>();
        for (List<String> products : bought.values()) {
            String category = products.stream().map(catalogue::get).filter(p -> p != null
                    && p.categoryPath() != null && !p.categoryPath().isBlank()).map(ProductView::categoryPath)
                    .findFirst().orElse(null);
            CoOccurrence.prefixes(category).forEach(prefix -> bestsellers.getOrDefault(prefix, List.of())
                    .forEach(scored -> categoryBestsellers.add(scored.productId())));
        }
        shelf.readAhead(categoryBestsellers);
        Map<String, Map<String, Object>> entries = new HashMap<>();
        recipientsByIdempotencyKey.forEach((key, customer) -> entries.put(key, Map.of(NAME, new Recommendations(
                bought.getOrDefault(customer.id(), List.of()), shelf, locale(customer), historyLimit))));
        return entries;
    }

    @Override
    public Map<String, Object> forPreview(Customer customer) {
        Map<String, ProductView> catalogue = new HashMap<>();
        SAMPLE_PRODUCTS.forEach(product -> catalogue.put(product.id(), product));
        Map<String, List<Scored>> lists = Map.of("sample-shoe", List.of(new Scored("sample-socks", 0.6),
                new Scored("sample-laces", 0.4), new Scored("sample-bottle", 0.2)));
        Map<String, List<Scored>> bestsellers = Map.of("", List.of(new Scored("sample-cap", 40),
                new Scored("sample-socks", 30), new Scored("sample-shoe", 20)));
        Shelf shelf = new Shelf(lists, catalogue.keySet(), () -> bestsellers, catalogue, catalogue.keySet(),
                id -> List.of(), ids -> Map.of());
        return Map.of(NAME, new Recommendations(List.of("sample-shoe"), shelf, locale(customer), historyLimit));
    }

    /** A customer with no history: the stored best-sellers, read when a template asks. */
    @Override
    public Map<String, Object> forCustomerWithoutData(Customer customer) {
        Shelf shelf = new Shelf(Map.of(), Set.of(), () -> bestsellers(store.latestGeneration()), Map.of(), Set.of(),
                id -> List.of(), products::findAll);
        return Map.of(NAME, new Recommendations(List.of(), shelf, locale(customer), historyLimit));
    }

    /** The best-seller lists of the generation, read once per generation. */
    private Map<String, List<Scored>> bestsellers(OptionalInt generation) {
        if (generation.isEmpty()) {
            return Map.of();
        }
        StoredBestsellers known = cached;
        if (known.generation() != generation.getAsInt()) {
            known = new StoredBestsellers(generation.getAsInt(), store.bestsellers(generation.getAsInt()));
            cached = known;
        }
        return known.lists();
    }

    private static Locale locale(Customer customer) {
        return customer.locale() == null ? Locale.ENGLISH : customer.preferredLocale();
    }

    private static ProductView sample(String id, String name, String category, String price) {
        String slug = id.substring("sample-".length());
        return new ProductView(id, id.toUpperCase(Locale.ROOT), name, category, new BigDecimal(price), "EUR",
                "https://shop.example.com/products/" + slug, "https://shop.example.com/images/" + slug + ".jpg",
                true, null, null);
    }

    /** The best-seller lists of one generation. */
    private record StoredBestsellers(int generation, Map<String, List<Scored>> lists) {
    }
}
