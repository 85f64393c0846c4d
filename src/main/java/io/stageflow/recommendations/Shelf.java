package io.stageflow.recommendations;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import io.stageflow.products.ProductView;
import io.stageflow.recommendations.CoOccurrence.Scored;

/**
 * What one wave of emails knows for {@code $recommendations}: the stored lists of the products read for it, the
 * best-seller lists (read when first asked for), and the catalogue rows read for it. A product asked for that the wave did not read
 * ({@code $recommendations.forProduct} of any id) is read then, once per wave, through the two loaders.
 */
final class Shelf {

    private final Map<String, List<Scored>> lists = new ConcurrentHashMap<>();
    private final Map<String, Optional<ProductView>> catalogue = new ConcurrentHashMap<>();
    private final Supplier<Map<String, List<Scored>>> bestsellers;
    private volatile Map<String, List<Scored>> bestsellersRead;
    private final Function<String, List<Scored>> listLoader;
    private final Function<Collection<String>, Map<String, ProductView>> catalogueLoader;

    Shelf(Map<String, List<Scored>> lists, Set<String> listsRead, Supplier<Map<String, List<Scored>>> bestsellers,
            Map<String, ProductView> catalogue, Set<String> catalogueRead,
            Function<String, List<Scored>> listLoader,
            Function<Collection<String>, Map<String, ProductView>> catalogueLoader) {
        listsRead.forEach(id -> this.lists.put(id, lists.getOrDefault(id, List.of())));
        catalogueRead.forEach(id -> this.catalogue.put(id, Optional.ofNullable(catalogue.get(id))));
        this.bestsellers = bestsellers;
        this.listLoader = listLoader;
        this.catalogueLoader = catalogueLoader;
    }

    /** The stored list of the product, best first; empty when it has none. */
    List<Scored> listOf(String productId) {
        return lists.computeIfAbsent(productId, listLoader);
    }

    /** The best-sellers of the category ({@code ""}: overall), best first. */
    List<Scored> bestsellers(String category) {
        Map<String, List<Scored>> read = bestsellersRead;
        if (read == null) {
            read = bestsellers.get();
            bestsellersRead = read;
        }
        return read.getOrDefault(category, List.of());
    }

    /** The catalogue row of the product, if the catalogue has it. */
    Optional<ProductView> product(String productId) {
        Optional<ProductView> known = catalogue.get(productId);
        if (known != null) {
            return known;
        }
        return catalogue.computeIfAbsent(productId,
                id -> Optional.ofNullable(catalogueLoader.apply(List.of(id)).get(id)));
    }

    /** Reads the catalogue rows of these products with one query, unless the wave has them already. */
    void readAhead(Collection<String> productIds) {
        List<String> missing = productIds.stream().filter(id -> !catalogue.containsKey(id)).distinct().toList();
        if (missing.isEmpty()) {
            return;
        }
        Map<String, ProductView> found = catalogueLoader.apply(missing);
        missing.forEach(id -> catalogue.putIfAbsent(id, Optional.ofNullable(found.get(id))));
    }
}
