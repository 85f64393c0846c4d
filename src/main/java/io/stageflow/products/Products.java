package io.stageflow.products;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The product catalogue, read by other features (templates show products, order lines name them): one product,
 * or many at once in one query. Unknown ids are simply absent.
 */
public interface Products {

    /** The product with this id, if the catalogue has it. */
    Optional<ProductView> find(String id);

    /** The products among these ids that the catalogue has, by id; an empty map for none. */
    Map<String, ProductView> findAll(Collection<String> ids);
}
