package io.stageflow.recommendations;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import io.stageflow.recommendations.CoOccurrence.Scored;

/**
 * What one wave of emails knows for {@code $recommendations}: the stored lists read for it, the best-seller lists
 * (read when first asked for), and where catalogue rows come from. A list the wave did not read
 * ({@code $recommendations.forProduct} of any id) comes from the list loader, which keeps what it read
 * ({@link ShelfCache}).
 */
final class Shelf {

    private final Map<String, List<Scored>> lists;
    private final Supplier<Map<String, List<Scored>>> bestsellers;
    private volatile Map<String, List<Scored>> bestsellersRead;
    private final Function<Collection<String>, Map<String, List<Scored>>> listLoader;
    private final Function<String, Optional<ShelfProduct>> catalogue;

    /**
     * @param lists      the stored lists read for the wave, by product (an empty list for one without)
     * @param listLoader the lists of products the wave did not read
     * @param catalogue  the catalogue row of a product, empty when the catalogue does not have it
     */
    Shelf(Map<String, List<Scored>> lists, Supplier<Map<String, List<Scored>>> bestsellers,
            Function<Collection<String>, Map<String, List<Scored>>> listLoader,
            Function<String, Optional<ShelfProduct>> catalogue) {
        this.lists = lists;
        this.bestsellers = bestsellers;
        this.listLoader = listLoader;
        this.catalogue = catalogue;
    }

    /** The stored list of the product, best first; empty when it has none. */
    List<Scored> listOf(String productId) {
        List<Scored> list = lists.get(productId);
        return list != null ? list : listLoader.apply(List.of(productId)).getOrDefault(productId, List.of());
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
    Optional<ShelfProduct> product(String productId) {
        return catalogue.apply(productId);
    }
}
