package io.stageflow.templates;

import java.util.List;
import java.util.Map;

/**
 * A stand-in for {@code $recommendations} (recommendations' {@code Recommendations}), with the same two methods and
 * products shaped as it shapes them; public because Velocity only calls public methods of public classes.
 */
public final class SampleRecommendations {

    /** Three products with images, prices and pages. */
    static final SampleRecommendations THREE = new SampleRecommendations(List.of(
            product("p-laces", "Reflective laces", "€4.90", "https://shop.example.com/images/laces.jpg",
                    "https://shop.example.com/p/laces"),
            product("p-bottle", "Running bottle", "€14.00", "https://shop.example.com/images/bottle.jpg",
                    "https://shop.example.com/p/bottle"),
            product("p-cap", "Running cap", "€19.00", "https://shop.example.com/images/cap.jpg",
                    "https://shop.example.com/p/cap")));
    /** Nothing to recommend: no run of the job yet. */
    static final SampleRecommendations NONE = new SampleRecommendations(List.of());

    private final List<Map<String, Object>> products;

    SampleRecommendations(List<Map<String, Object>> products) {
        this.products = products;
    }

    public List<Map<String, Object>> forCustomer(int n) {
        return products.subList(0, Math.min(products.size(), Math.max(1, Math.min(20, n))));
    }

    public List<Map<String, Object>> forProduct(String id, int n) {
        return forCustomer(n);
    }

    static Map<String, Object> product(String id, String name, String price, String imageUrl, String url) {
        return Map.of("id", id, "name", name, "price", price, "currency", "EUR", "url", url, "imageUrl", imageUrl,
                "category", "Accessories");
    }
}
