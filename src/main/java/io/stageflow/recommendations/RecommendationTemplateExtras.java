package io.stageflow.recommendations;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

import io.stageflow.customers.Customer;
import io.stageflow.orders.Orders;
import io.stageflow.products.ProductView;
import io.stageflow.recommendations.CoOccurrence.Scored;
import io.stageflow.templates.TemplateExtras;

import org.springframework.stereotype.Component;

/**
 * {@code $recommendations} in templates ({@link Recommendations}). A wave of emails costs one read of what its
 * customers bought and a one-row read of the latest published generation, whose best-seller lists are kept in
 * memory until the next one. The stored lists of the products they bought, and the catalogue rows of what they
 * bought, of each customer's 20 best candidates, of the overall best-sellers and of the best-sellers of the
 * customers' categories, come from {@link ShelfCache}: what it does not hold is read with one query per kind for
 * the wave (the rows of the customers' categories' best-sellers with a second). Previews show sample products; a
 * customer with no history gets the best-sellers.
 */
@Component
class RecommendationTemplateExtras implements TemplateExtras {

    static final String NAME = "recommendations";
    /** The best candidates of each customer whose catalogue rows a wave reads ahead (as many as one call shows). */
    private static final int READ_AHEAD = Recommendations.MAX;

    /** The sample catalogue of previews: the customer bought the shoe. */
    static final List<ProductView> SAMPLE_PRODUCTS = List.of(
            sample("sample-shoe", "Trail running shoe", "Shoes > Running", "89.90"),
            sample("sample-socks", "Merino socks", "Socks", "12.50"),
            sample("sample-laces", "Reflective laces", "Shoes > Accessories", "4.90"),
            sample("sample-bottle", "Running bottle", "Accessories", "14.00"),
            sample("sample-cap", "Running cap", "Accessories", "19.00"));

    private final Orders orders;
    private final RecommendationStore store;
    private final ShelfCache cache;
    private final int historyLimit;
    private volatile StoredBestsellers cached = new StoredBestsellers(0, Map.of());

    RecommendationTemplateExtras(Orders orders, RecommendationStore store, ShelfCache cache,
            RecommendationsProperties properties) {
        this.orders = orders;
        this.store = store;
        this.cache = cache;
        this.historyLimit = properties.historyLimit();
    }

    @Override
    public Set<String> names() {
        return Set.of(NAME);
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
        Function<Collection<String>, Map<String, List<Scored>>> listLoader = generation.isPresent()
                ? ids -> cache.listsOf(generation.getAsInt(), ids) : ids -> Map.of();
        Map<String, List<Scored>> lists = withLists.isEmpty() ? Map.of() : listLoader.apply(withLists);
        Shelf shelf = new Shelf(lists, () -> bestsellers, listLoader, cache::product);
        Map<String, Map<String, Object>> entries = new HashMap<>();
        Map<String, Recommendations> byCustomer = new HashMap<>();
        Set<String> toRead = new HashSet<>(recipientsByIdempotencyKey.size() * 2 * (READ_AHEAD + 5));
        recipientsByIdempotencyKey.forEach((key, customer) -> {
            List<String> theirs = bought.getOrDefault(customer.id(), List.of());
            Recommendations recommendations = new Recommendations(theirs, shelf, locale(customer), historyLimit);
            entries.put(key, Map.of(NAME, recommendations));
            if (byCustomer.putIfAbsent(customer.id(), recommendations) == null) {
                toRead.addAll(theirs);
                List<String> ranked = recommendations.ranked();
                toRead.addAll(ranked.subList(0, Math.min(ranked.size(), READ_AHEAD)));
            }
        });
        bestsellers.getOrDefault("", List.of()).forEach(scored -> toRead.add(scored.productId()));
        cache.prefetch(toRead);
        // The best-sellers of the customers' categories, for those whose own picks may fall short: one more read.
        Set<String> categories = new HashSet<>();
        byCustomer.values().forEach(recommendations -> categories.addAll(
                CoOccurrence.prefixes(recommendations.category())));
        Set<String> categoryBestsellers = new LinkedHashSet<>();
        categories.forEach(category -> bestsellers.getOrDefault(category, List.of())
                .forEach(scored -> categoryBestsellers.add(scored.productId())));
        cache.prefetch(categoryBestsellers);
        return entries;
    }

    @Override
    public Map<String, Object> forPreview(Customer customer) {
        Map<String, Optional<ShelfProduct>> catalogue = new HashMap<>();
        SAMPLE_PRODUCTS.forEach(product -> catalogue.put(product.id(), Optional.of(new ShelfProduct(product))));
        Map<String, List<Scored>> lists = Map.of("sample-shoe", List.of(new Scored("sample-socks", 0.6),
                new Scored("sample-laces", 0.4), new Scored("sample-bottle", 0.2)));
        Map<String, List<Scored>> bestsellers = Map.of("", List.of(new Scored("sample-cap", 40),
                new Scored("sample-socks", 30), new Scored("sample-shoe", 20)));
        Shelf shelf = new Shelf(lists, () -> bestsellers, ids -> Map.of(),
                id -> catalogue.getOrDefault(id, Optional.empty()));
        return Map.of(NAME, new Recommendations(List.of("sample-shoe"), shelf, locale(customer), historyLimit));
    }

    /** A customer with no history: the stored best-sellers, read when a template asks. */
    @Override
    public Map<String, Object> forCustomerWithoutData(Customer customer) {
        Shelf shelf = new Shelf(Map.of(), () -> bestsellers(store.latestGeneration()), ids -> Map.of(),
                cache::product);
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
