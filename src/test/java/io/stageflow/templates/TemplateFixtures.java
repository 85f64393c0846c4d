package io.stageflow.templates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Template folders written by tests, and the context a journey would render them with, without a database. */
final class TemplateFixtures {

    static final String UNSUBSCRIBE = "https://stageflow.test/u/token";
    static final String PREFERENCES = "https://stageflow.test/u/token/preferences";
    static final String SURVEY = "https://stageflow.test/s/token";

    /** {@code $cart} as orders shape it (ShopTemplateData): two products with images, prices and pages. */
    static final Map<String, Object> SAMPLE_CART = cart(List.of(
            line("p-shoe", "Trail running shoe", 1, "€89.90", "€89.90",
                    "https://shop.example.com/images/shoe.jpg", "https://shop.example.com/p/shoe"),
            line("p-socks", "Merino socks", 2, "€12.50", "€25.00",
                    "https://shop.example.com/images/socks.jpg", "https://shop.example.com/p/socks")), "€114.90");
    /** {@code $cart} of a customer without one. */
    static final Map<String, Object> EMPTY_CART = cart(List.of(), "");
    /** {@code $order}: the latest order, with the sample cart's lines. */
    static final Map<String, Object> SAMPLE_ORDER = Map.of("orderId", "1001", "orderedAt", "1 March 2026",
            "lines", SAMPLE_CART.get("lines"), "total", "€114.90", "itemCount", 3);
    /** {@code $event}: an order_completed with the sample cart's lines. */
    static final Map<String, Object> SAMPLE_EVENT = Map.of("type", "order_completed", "occurredAt", "1 March 2026",
            "orderId", "1001", "properties", Map.of("orderId", "1001", "coupon", ""), "lines",
            SAMPLE_CART.get("lines"), "total", "€114.90", "itemCount", 3);

    private TemplateFixtures() {
    }

    static TemplateRenderer renderer(Path templates) {
        return TestTemplateSettings.renderer(templates);
    }

    /** Writes {@code templates/<key>/subject.vm, html.vm, text.vm}; returns the folder. */
    static Path template(Path templates, String key, String subject, String html, String text) {
        Path folder = templates.resolve(key);
        write(folder.resolve("subject.vm"), subject);
        write(folder.resolve("html.vm"), html);
        write(folder.resolve("text.vm"), text);
        return folder;
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the shipped {@code templates/} folder, layouts and macros included. */
    static void copyShippedTemplates(Path target) throws IOException {
        Path source = Path.of("templates");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
    }

    /** {@code $loyalty} as loyalty shapes it: a Silver customer 750 points short of Gold. */
    static final Map<String, Object> SAMPLE_LOYALTY = Map.of("balance", 1250, "balanceText", "1,250", "tier", "Silver",
            "nextTier", "Gold", "pointsToNextTier", 750L, "topTier", false);

    static Map<String, Object> model(String firstName) {
        return model(firstName, Map.of());
    }

    static Map<String, Object> cart(List<Map<String, Object>> lines, String total) {
        return Map.of("lines", lines, "total", total, "empty", lines.isEmpty(),
                "itemCount", lines.stream().mapToInt(line -> (Integer) line.get("quantity")).sum(),
                "url", "https://shop.example.com/cart");
    }

    static Map<String, Object> line(String productId, String name, int quantity, String price, String amount,
            String imageUrl, String url) {
        return Map.ofEntries(Map.entry("productId", productId), Map.entry("sku", ""), Map.entry("name", name),
                Map.entry("category", ""), Map.entry("quantity", quantity), Map.entry("price", price),
                Map.entry("amount", amount), Map.entry("imageUrl", imageUrl), Map.entry("url", url),
                Map.entry("inStock", true), Map.entry("inCatalogue", true));
    }

    static Map<String, Object> model(String firstName, Map<String, Object> traits) {
        return model(firstName, traits, SAMPLE_CART);
    }

    /** The context of an email to a customer with this {@code $cart} (and the sample order and recommendations). */
    static Map<String, Object> model(String firstName, Map<String, Object> traits, Map<String, Object> cart) {
        return model(firstName, traits, cart, SampleRecommendations.THREE);
    }

    /** The context of an email to a customer with this {@code $cart} and these {@code $recommendations}. */
    static Map<String, Object> model(String firstName, Map<String, Object> traits, Map<String, Object> cart,
            SampleRecommendations recommendations) {
        Map<String, Object> customer = new HashMap<>();
        customer.put("id", "c-1");
        customer.put("email", "ada@example.com");
        customer.put("firstName", firstName);
        customer.put("locale", "en");
        customer.put("timeZone", "Europe/London");
        customer.put("traits", traits);
        return Map.of(
                "customer", customer,
                "brand", Map.of("name", "Demo Shop", "websiteUrl", "https://shop.example.com",
                        "postalAddress", "1 Example Street, Springfield"),
                "journey", Map.of("key", "welcome"),
                "links", Map.of("unsubscribe", UNSUBSCRIBE, "preferences", PREFERENCES, "survey", SURVEY),
                "offer", TemplateModel.SAMPLE_OFFER,
                "cart", cart,
                "order", SAMPLE_ORDER,
                "products", Map.of(),
                "loyalty", SAMPLE_LOYALTY,
                "recommendations", recommendations);
    }
}
