package io.stageflow.products;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.stageflow.web.FieldViolation;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The product catalogue: read by other features ({@link Products}), written by the products API and, a chunk of
 * rows at a time, by the CSV import. An upsert replaces the whole product; one that changes nothing is not written,
 * so its {@code updatedAt} stays and sending the same catalogue twice changes nothing the second time.
 */
@Service
public class ProductCatalogue implements Products {

    private final ProductStore store;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    ProductCatalogue(ProductStore store, Clock clock, ApplicationEventPublisher events) {
        this.store = store;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Every rule the id and the product break, each naming its field ({@code id}, {@code price}, …); empty when
     * both can be stored. The API and the import check by these same rules.
     */
    public static List<FieldViolation> violations(String id, ProductUpsert product) {
        return ProductRules.violations(id, product);
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<ProductView> find(String id) {
        return id == null ? Optional.empty() : store.find(id);
    }

    @Override
    @Transactional(readOnly = true)
    public Map<String, ProductView> findAll(Collection<String> ids) {
        return store.findAll(new LinkedHashSet<>(ids), false);
    }

    /**
     * Stores many products at once (a later change to the same id wins), in one locking read and a batch of
     * inserts and one of updates. Each change must have no {@link #violations}.
     */
    @Transactional
    public Upserted upsertAll(List<ProductChange> changes) {
        if (changes.isEmpty()) {
            return new Upserted(0, 0, 0);
        }
        Instant now = clock.instant();
        Map<String, ProductChange> byId = new LinkedHashMap<>();
        changes.forEach(change -> byId.put(change.id(), change));
        Set<String> ids = byId.keySet();
        Map<String, ProductView> stored = store.findAll(ids, true);
        List<ProductView> inserts = new ArrayList<>();
        List<ProductView> updates = new ArrayList<>();
        int unchanged = 0;
        for (ProductChange change : byId.values()) {
            ProductView before = stored.get(change.id());
            ProductView after = product(change, before == null ? now : before.createdAt(), now);
            if (before == null) {
                inserts.add(after);
            } else if (before.sameData(after)) {
                unchanged++;
            } else {
                updates.add(after);
            }
        }
        store.insertAll(inserts);
        store.updateAll(updates);
        if (!inserts.isEmpty() || !updates.isEmpty()) {
            Set<String> changed = new LinkedHashSet<>();
            inserts.forEach(product -> changed.add(product.id()));
            updates.forEach(product -> changed.add(product.id()));
            events.publishEvent(new ProductsChanged(changed));
        }
        return new Upserted(inserts.size(), updates.size(), unchanged);
    }

    /**
     * Stores one product; {@code created} when the id was new. Two callers creating the same new product at once:
     * the second finds the first's row and updates it.
     */
    @Transactional
    Upserted upsert(String id, ProductUpsert product) {
        List<ProductChange> change = List.of(new ProductChange(id, product));
        try {
            return upsertAll(change);
        } catch (DuplicateKeyException concurrentCreate) {
            return upsertAll(change);
        }
    }

    @Transactional
    boolean delete(String id) {
        boolean deleted = store.delete(id);
        if (deleted) {
            events.publishEvent(new ProductsChanged(Set.of(id)));
        }
        return deleted;
    }

    @Transactional(readOnly = true)
    List<ProductView> page(String after, int limit, String categoryPrefix) {
        return store.page(after, limit, categoryPrefix == null ? null : ProductRules.categoryPath(categoryPrefix));
    }

    private static ProductView product(ProductChange change, Instant createdAt, Instant now) {
        ProductUpsert p = ProductRules.normalized(change.product());
        return new ProductView(change.id(), p.sku(), p.name(), p.categoryPath(), p.price(), p.currency(), p.url(),
                p.imageUrl(), p.inStock(), createdAt, now);
    }

    /** One product to store under the shop's id. */
    public record ProductChange(String id, ProductUpsert product) {
    }

    /** What an upsert did, counted in distinct products. */
    public record Upserted(int created, int updated, int unchanged) {
    }
}
