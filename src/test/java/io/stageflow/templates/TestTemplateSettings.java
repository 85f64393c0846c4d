package io.stageflow.templates;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stageflow.customers.Customer;

/** The template settings of a default installation, for tests that build a renderer by hand. */
final class TestTemplateSettings {

    /** The links subscriptions and surveys add to {@code $links}, as stand-ins. */
    static final TemplateLinks STANDARD_LINKS = new TemplateLinks() {
        @Override
        public Map<String, String> links(String address, Long outboxId) {
            return samples();
        }

        @Override
        public Map<String, String> samples() {
            return Map.of("unsubscribe", "https://stageflow.test/u/sample",
                    "preferences", "https://stageflow.test/u/sample/preferences",
                    "survey", "https://stageflow.test/s/preview");
        }
    };

    /** What orders add ({@code $cart}, {@code $order}, {@code $products}), as stand-ins. */
    static final TemplateExtras SHOP_DATA = new TemplateExtras() {
        @Override
        public Set<String> names() {
            return Set.of("cart", "order", "products");
        }

        @Override
        public Map<String, Map<String, Object>> forDeliveries(Map<String, Customer> recipientsByIdempotencyKey) {
            return Map.of();
        }

        @Override
        public Map<String, Object> forPreview(Customer customer) {
            return Map.of("cart", TemplateFixtures.SAMPLE_CART, "order", TemplateFixtures.SAMPLE_ORDER,
                    "products", Map.of());
        }

        @Override
        public Map<String, Object> forCustomerWithoutData(Customer customer) {
            return Map.of("cart", TemplateFixtures.EMPTY_CART, "products", Map.of());
        }
    };

    /** {@code $event} as orders gives it: a sample order in previews and validation; delivery is not tested here. */
    static final TriggeringEvents EVENT_DATA = new TriggeringEvents() {
        @Override
        public Map<String, Map<String, Object>> forEmails(Map<String, EmailEvent> eventsByIdempotencyKey) {
            return Map.of();
        }

        @Override
        public Map<String, Object> forPreview(Customer customer) {
            return TemplateFixtures.SAMPLE_EVENT;
        }
    };

    /** What loyalty adds ({@code $loyalty}), as a stand-in. */
    static final TemplateExtras LOYALTY_DATA = new TemplateExtras() {
        @Override
        public Set<String> names() {
            return Set.of("loyalty");
        }

        @Override
        public Map<String, Map<String, Object>> forDeliveries(Map<String, Customer> recipientsByIdempotencyKey) {
            return Map.of();
        }

        @Override
        public Map<String, Object> forPreview(Customer customer) {
            return Map.of("loyalty", TemplateFixtures.SAMPLE_LOYALTY);
        }

        @Override
        public Map<String, Object> forCustomerWithoutData(Customer customer) {
            return Map.of("loyalty", Map.of("balance", 0, "balanceText", "0", "tier", "Member", "nextTier", "Silver",
                    "pointsToNextTier", 500L, "topTier", false));
        }
    };

    /** What recommendations add ({@code $recommendations}), as a stand-in: none for a customer without data. */
    static final TemplateExtras RECOMMENDATIONS = new TemplateExtras() {
        @Override
        public Set<String> names() {
            return Set.of("recommendations");
        }

        @Override
        public Map<String, Map<String, Object>> forDeliveries(Map<String, Customer> recipientsByIdempotencyKey) {
            return Map.of();
        }

        @Override
        public Map<String, Object> forPreview(Customer customer) {
            return Map.of("recommendations", SampleRecommendations.THREE);
        }

        @Override
        public Map<String, Object> forCustomerWithoutData(Customer customer) {
            return Map.of("recommendations", SampleRecommendations.NONE);
        }
    };

    private TestTemplateSettings() {
    }

    static TemplatesProperties withTemplatesIn(Path templatesDir, int checkInterval) {
        return new TemplatesProperties(templatesDir, checkInterval, java.time.Duration.ofSeconds(2),
                new TemplatesProperties.Brand("Demo Shop", "https://shop.example.com", ""), false);
    }

    /** A renderer of the templates in {@code templatesDir} as they are at each render, without a database. */
    static TemplateRenderer renderer(Path templatesDir) {
        return new TemplateRenderer(new FolderAsItIs(templatesDir), checks());
    }

    static TemplateChecks checks() {
        return new TemplateChecks(withTemplatesIn(Path.of("templates"), 0), List.of(STANDARD_LINKS),
                List.of(SHOP_DATA, LOYALTY_DATA, RECOMMENDATIONS), List.of(EVENT_DATA));
    }

    /** A folder's files, read again for every render; the same snapshot while they do not change. */
    private static final class FolderAsItIs implements TemplateSource {

        private final Path folder;
        private TemplateFiles last = TemplateFiles.NONE;

        FolderAsItIs(Path folder) {
            this.folder = folder;
        }

        @Override
        public synchronized TemplateFiles current() {
            TemplateFiles now = TemplateFiles.ofFolder(folder);
            if (!now.equals(last)) {
                last = now;
            }
            return last;
        }
    }
}
