package io.stageflow.products;

import java.util.ArrayList;
import java.util.List;

import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The shop's catalogue over HTTP ({@code /api/v1/products}, docs/api.md): its systems (or a marketer) put products
 * under the shop's own ids, and everyone who works with emails reads them, one or a page at a time, optionally
 * within a category. Bulk loads go through the CSV import ({@code POST /api/v1/imports?kind=products}).
 */
@RestController
@RequestMapping("/api/v1/products")
class ProductController {

    /** The most products a page holds. */
    static final int MAX_PAGE = 500;

    private final ProductCatalogue catalogue;

    ProductController(ProductCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * Creates (201) or replaces (200) the product; sending the same product again changes nothing. The answer is
     * the product as read back once stored (times as the database keeps them: whole seconds on MariaDB).
     */
    @PutMapping("/{id}")
    ResponseEntity<ProductView> upsert(@PathVariable String id, @RequestBody ProductUpsert body) {
        List<FieldViolation> violations = ProductCatalogue.violations(id, body);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        ProductCatalogue.Upserted result = catalogue.upsert(id, body);
        return ResponseEntity.status(result.created() > 0 ? HttpStatus.CREATED : HttpStatus.OK)
                .body(catalogue.find(id).orElseThrow(() -> notFound(id)));
    }

    @GetMapping("/{id}")
    ProductView get(@PathVariable String id) {
        return catalogue.find(id).orElseThrow(() -> notFound(id));
    }

    /**
     * Products by id, {@code limit} at a time; {@code after} is the previous page's {@code nextAfter}. With
     * {@code category}, only the products in that category or below it: {@code Shoes} takes
     * {@code Shoes > Running} but not {@code Shoestrings}.
     */
    @GetMapping
    ProductPage list(@RequestParam(required = false) String category, @RequestParam(required = false) String after,
            @RequestParam(defaultValue = "100") int limit) {
        List<FieldViolation> violations = new ArrayList<>();
        if (limit < 1 || limit > MAX_PAGE) {
            violations.add(new FieldViolation("limit", "must be from 1 to " + MAX_PAGE));
        }
        if (category != null && !category.isBlank() && ProductRules.categoryPath(category) == null) {
            violations.add(new FieldViolation("category",
                    "must be category names separated by >, such as Shoes > Running, none of them empty"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        List<ProductView> page = catalogue.page(after, limit, category == null || category.isBlank() ? null
                : category);
        return new ProductPage(page, page.size() < limit ? null : page.get(page.size() - 1).id());
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        if (!catalogue.delete(id)) {
            throw notFound(id);
        }
        return ResponseEntity.noContent().build();
    }

    private static ResponseStatusException notFound(String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No product with id " + id);
    }

    /** A page of products; {@code nextAfter} is the {@code after} of the next page, null on the last. */
    record ProductPage(List<ProductView> products, String nextAfter) {
    }
}
