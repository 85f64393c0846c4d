package io.stageflow.recommendations;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

import io.stageflow.products.ProductView;
import io.stageflow.products.Products;
import io.stageflow.products.ProductsChanged;
import io.stageflow.recommendations.CoOccurrence.Scored;

/**
 * What {@code $recommendations} reads again and again, kept in memory so that a wave of emails reads the database
 * only for what its customers bought: the stored lists of products ({@code cached-lists} of them; a generation's
 * lists never change, so they are exact until the next generation replaces them), and the catalogue rows of the
 * products they name ({@code cached-products} of them, each for at most {@code cached-products-for}, least
 * frequently used out first). A product changed on this node is dropped when its change commits (a wave that read
 * it just before may put the old row back, which then lasts at most {@code cached-products-for}); one changed on
 * another node may be shown with its old stock or price for up to {@code cached-products-for}. What a wave needs
 * and memory lacks is read with one query per kind.
 */
@Component
class ShelfCache {

    private final RecommendationStore store;
    private final Products products;
    private final Cache<StoredList, List<Scored>> lists;
    private final Cache<String, Optional<ShelfProduct>> catalogue;

    ShelfCache(RecommendationStore store, Products products, RecommendationsProperties settings) {
        this.store = store;
        this.products = products;
        this.lists = Caffeine.newBuilder().maximumSize(settings.cachedLists()).build();
        this.catalogue = Caffeine.newBuilder().maximumSize(settings.cachedProducts())
                .expireAfterWrite(settings.cachedProductsFor()).build();
    }

    /** The stored lists of these products in the generation, by product id; an empty list for one without. */
    Map<String, List<Scored>> listsOf(int generation, Collection<String> productIds) {
        Map<String, List<Scored>> found = new HashMap<>(productIds.size() * 2);
        List<String> missing = new ArrayList<>();
        for (String id : productIds) {
            List<Scored> list = lists.getIfPresent(new StoredList(generation, id));
            if (list == null) {
                missing.add(id);
            } else {
                found.put(id, list);
            }
        }
        if (!missing.isEmpty()) {
            Map<String, List<Scored>> read = store.recommendationsOf(generation, missing);
            for (String id : missing) {
                List<Scored> list = List.copyOf(read.getOrDefault(id, List.of()));
                lists.put(new StoredList(generation, id), list);
                found.put(id, list);
            }
        }
        return found;
    }

    /** The catalogue row of the product, read now unless memory has it; empty when the catalogue does not. */
    Optional<ShelfProduct> product(String productId) {
        Optional<ShelfProduct> known = catalogue.getIfPresent(productId);
        return known != null ? known : read(List.of(productId)).get(productId);
    }

    /** Reads the rows of those of these products memory lacks, with one query. */
    void prefetch(Collection<String> productIds) {
        Set<String> missing = new LinkedHashSet<>();
        for (String id : productIds) {
            if (catalogue.getIfPresent(id) == null) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            read(missing);
        }
    }

    private Map<String, Optional<ShelfProduct>> read(Collection<String> productIds) {
        Map<String, ProductView> rows = products.findAll(productIds);
        Map<String, Optional<ShelfProduct>> read = new HashMap<>();
        productIds.forEach(id -> read.put(id, Optional.ofNullable(rows.get(id)).map(ShelfProduct::new)));
        catalogue.putAll(read);
        return read;
    }

    /** This node changed these products: the next email reads them again. */
    @TransactionalEventListener(fallbackExecution = true)
    void forget(ProductsChanged changed) {
        catalogue.invalidateAll(changed.ids());
    }

    /** The key of a product's stored list in one generation. */
    private record StoredList(int generation, String productId) {
    }
}
