package io.stageflow.products;

import java.util.Set;

/**
 * Published when this node creates, updates or deletes products, so that features keeping catalogue rows in memory
 * (the recommendations shown in emails) drop them; listeners that cache should listen after commit.
 *
 * @param ids the products that changed
 */
public record ProductsChanged(Set<String> ids) {

    public ProductsChanged {
        ids = Set.copyOf(ids);
    }
}
