package io.stageflow.recommendations;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import io.stageflow.customers.Customer;
import io.stageflow.orders.Orders;
import io.stageflow.products.ProductView;
import io.stageflow.products.Products;
import io.stageflow.products.ProductsChanged;
import io.stageflow.recommendations.CoOccurrence.Scored;

import org.junit.jupiter.api.Test;

/**
 * {@code $recommendations} as templates see it, on stand-ins that count their reads: a wave of emails reads what
 * its customers bought, their products' stored lists and the catalogue once each (plus the best-sellers of their
 * categories once); {@code forCustomer} adds up the lists of what the customer bought, leaves out what they bought
 * and what is out of stock, then falls back to their category's best-sellers, its parents', then overall; n is
 * clamped to 1..20; {@code forProduct} reads a product the wave did not know once.
 */
class RecommendationTemplateExtrasTest {

    private final StandInOrders orders = new StandInOrders();
    private final StandInProducts products = new StandInProducts();
    private final StandInStore store = new StandInStore();
    private final RecommendationsProperties settings = new RecommendationsProperties("-", "UTC", 2, 20, 0.25, 50,
            50000, Duration.ofMinutes(30), 1000, 1000, Duration.ofMinutes(1));
    private final ShelfCache cache = new ShelfCache(store, products, settings);
    private final RecommendationTemplateExtras extras = new RecommendationTemplateExtras(orders, store, cache,
            settings);

    RecommendationTemplateExtrasTest() {
        orders.bought.put("ada", List.of("p-shoe", "p-old"));
        orders.bought.put("bob", List.of("p-sock"));
        store.lists.put("p-shoe", List.of(new Scored("p-sock", 0.9), new Scored("p-lace", 0.5),
                new Scored("p-gone", 0.4), new Scored("p-old", 0.3)));
        store.lists.put("p-old", List.of(new Scored("p-lace", 0.5), new Scored("p-bag", 0.2)));
        store.lists.put("p-sock", List.of(new Scored("p-shoe", 0.8)));
        store.bestsellers.put("", List.of(new Scored("p-cap", 90), new Scored("p-shoe", 80), new Scored("p-sock", 70)));
        store.bestsellers.put("Shoes", List.of(new Scored("p-shoe", 80), new Scored("p-trail", 10)));
        store.bestsellers.put("Shoes > Running", List.of(new Scored("p-shoe", 80)));
        products.add("p-shoe", "Shoes > Running", true).add("p-old", "Shoes > Running", true)
                .add("p-sock", "Socks", true).add("p-lace", "Shoes > Accessories", true).add("p-gone", "Bags", false)
                .add("p-bag", "Bags", true).add("p-cap", "Hats", true).add("p-trail", "Shoes > Trail", true);
    }

    @Test
    void aWaveReadsEachTableOnceAndEachCustomerGetsTheirOwnPicks() {
        Map<String, Map<String, Object>> entries = extras.forDeliveries(Map.of("k-ada", customer("ada", "de"),
                "k-bob", customer("bob", "en"), "k-cleo", customer("cleo", null)));

        Recommendations ada = recommendations(entries, "k-ada");
        assertThat(ids(ada.forCustomer(4))).as("lists added up (laces 0.5 + 0.5), bought and out of stock left out,"
                + " then the best-sellers of Shoes > Running (all bought) and Shoes")
                .containsExactly("p-lace", "p-sock", "p-bag", "p-trail");
        assertThat(ids(recommendations(entries, "k-cleo").forCustomer(2))).as("no history: best-sellers")
                .containsExactly("p-cap", "p-shoe");
        assertThat(ids(recommendations(entries, "k-bob").forCustomer(99))).as("clamped to 20; not what bob bought")
                .containsExactly("p-shoe", "p-cap");
        assertThat(recommendations(entries, "k-bob").forCustomer(0)).hasSize(1);

        assertThat(orders.reads).isEqualTo(1);
        assertThat(store.listReads).singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrder("p-shoe", "p-old", "p-sock");
        assertThat(store.bestsellerReads).isEqualTo(1);
        assertThat(products.reads).as("the wave's products, then the best-sellers of its customers' categories")
                .hasSize(2);
        assertThat(products.reads.get(0)).containsExactlyInAnyOrder("p-shoe", "p-old", "p-sock", "p-lace", "p-gone",
                "p-bag", "p-cap");
        assertThat(products.reads.get(1)).containsExactly("p-trail");

        assertThat(ada.forCustomer(4).get(0)).containsEntry("id", "p-lace").containsEntry("name", "Name of p-lace")
                .containsEntry("price", "4,90\u00a0€").containsEntry("currency", "EUR")
                .containsEntry("url", "https://shop.example.com/p/p-lace").containsEntry("imageUrl", "")
                .containsEntry("category", "Shoes > Accessories");

        extras.forDeliveries(Map.of("k-again", customer("ada", "en")));
        assertThat(store.bestsellerReads).as("kept until the next generation").isEqualTo(1);
        assertThat(store.listReads).as("a generation's lists are kept in memory").hasSize(1);
        assertThat(products.reads).as("and so are catalogue rows").hasSize(2);
        store.generation = 8;
        extras.forDeliveries(Map.of("k-again", customer("ada", "en")));
        assertThat(store.bestsellerReads).isEqualTo(2);
        assertThat(store.listReads).as("the next generation's lists are read again").hasSize(2);
        assertThat(store.listReads.get(1)).containsExactlyInAnyOrder("p-shoe", "p-old");
    }

    @Test
    void aProductChangedOnThisNodeIsReadAgainByTheNextWave() {
        Recommendations before = recommendations(extras.forDeliveries(Map.of("k", customer("ada", "en"))), "k");
        assertThat(ids(before.forCustomer(1))).containsExactly("p-lace");
        products.add("p-lace", "Shoes > Accessories", false);
        products.reads.clear();

        cache.forget(new ProductsChanged(Set.of("p-lace")));
        Recommendations after = recommendations(extras.forDeliveries(Map.of("k", customer("ada", "en"))), "k");

        assertThat(ids(after.forCustomer(1))).as("now out of stock").containsExactly("p-sock");
        assertThat(products.reads).singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactly("p-lace");
    }

    @Test
    void forProductShowsTheProductsListAndReadsAProductTheWaveDidNotKnowOnce() {
        Recommendations bob = recommendations(extras.forDeliveries(Map.of("k", customer("bob", "en"))), "k");
        store.listReads.clear();
        products.reads.clear();

        assertThat(ids(bob.forProduct("p-shoe", 2))).as("its list, in stock only, never itself")
                .containsExactly("p-sock", "p-lace");
        assertThat(ids(bob.forProduct("p-bag", 3))).as("no list: its category's, then overall best-sellers")
                .containsExactly("p-cap", "p-shoe", "p-sock");
        assertThat(ids(bob.forProduct("p-bag", 3))).containsExactly("p-cap", "p-shoe", "p-sock");
        assertThat(store.listReads).containsExactly(List.of("p-shoe"), List.of("p-bag"));
        assertThat(bob.forProduct("", 3)).isEmpty();
    }

    @Test
    void previewsShowSampleProductsAndACustomerWithoutDataGetsTheBestsellers() {
        Recommendations preview = (Recommendations) extras.forPreview(customer("ada", "en")).get("recommendations");
        assertThat(ids(preview.forCustomer(4))).containsExactly("sample-socks", "sample-laces", "sample-bottle",
                "sample-cap");
        assertThat(preview.forCustomer(1).get(0)).containsEntry("name", "Merino socks").containsEntry("price",
                "€12.50");

        Recommendations fresh = (Recommendations) extras.forCustomerWithoutData(customer("new", "en"))
                .get("recommendations");
        assertThat(ids(fresh.forCustomer(3))).containsExactly("p-cap", "p-shoe", "p-sock");

        store.generation = null;
        Recommendations none = (Recommendations) extras.forCustomerWithoutData(customer("new", "en"))
                .get("recommendations");
        assertThat(none.forCustomer(3)).as("before the job's first run").isEmpty();
    }

    private static Recommendations recommendations(Map<String, Map<String, Object>> entries, String key) {
        return (Recommendations) entries.get(key).get("recommendations");
    }

    private static List<Object> ids(List<Map<String, Object>> products) {
        return products.stream().map(product -> product.get("id")).toList();
    }

    private static Customer customer(String id, String locale) {
        return new Customer(id, id + "@example.com", null, locale, "UTC", Map.of(), null, null, null);
    }

    private static final class StandInOrders implements Orders {

        final Map<String, List<String>> bought = new HashMap<>();
        int reads;

        @Override
        public Map<String, List<String>> boughtProducts(Collection<String> customerIds) {
            reads++;
            Map<String, List<String>> found = new HashMap<>();
            customerIds.stream().filter(bought::containsKey).forEach(id -> found.put(id, bought.get(id)));
            return found;
        }

        @Override
        public HistoryPage histories(String afterCustomerId, int lines) {
            throw new AssertionError("templates never read histories");
        }

        @Override
        public Optional<OrderView> latestOrder(String customerId) {
            throw new AssertionError();
        }

        @Override
        public Optional<OrderView> order(String customerId, String orderId) {
            throw new AssertionError();
        }

        @Override
        public CartView cart(String customerId) {
            throw new AssertionError();
        }

        @Override
        public Map<String, OrderView> latestOrders(Collection<String> customerIds) {
            throw new AssertionError();
        }

        @Override
        public Map<String, CartView> carts(Collection<String> customerIds) {
            throw new AssertionError();
        }
    }

    private static final class StandInProducts implements Products {

        final Map<String, ProductView> stored = new HashMap<>();
        final List<List<String>> reads = new ArrayList<>();

        StandInProducts add(String id, String category, boolean inStock) {
            stored.put(id, new ProductView(id, null, "Name of " + id, category, new BigDecimal("4.90"), "EUR",
                    "https://shop.example.com/p/" + id, "javascript:alert(1)", inStock, null, null));
            return this;
        }

        @Override
        public Optional<ProductView> find(String id) {
            throw new AssertionError("read in batches");
        }

        @Override
        public Map<String, ProductView> findAll(Collection<String> ids) {
            reads.add(List.copyOf(ids));
            Map<String, ProductView> found = new HashMap<>();
            ids.stream().filter(stored::containsKey).forEach(id -> found.put(id, stored.get(id)));
            return found;
        }
    }

    private static final class StandInStore extends RecommendationStore {

        final Map<String, List<Scored>> lists = new HashMap<>();
        final Map<String, List<Scored>> bestsellers = new HashMap<>();
        final List<List<String>> listReads = new ArrayList<>();
        Integer generation = 7;
        int bestsellerReads;

        StandInStore() {
            super(null, null);
        }

        @Override
        OptionalInt latestGeneration() {
            return generation == null ? OptionalInt.empty() : OptionalInt.of(generation);
        }

        @Override
        Map<String, List<Scored>> recommendationsOf(int generation, Collection<String> productIds) {
            listReads.add(List.copyOf(productIds));
            Map<String, List<Scored>> found = new HashMap<>();
            productIds.stream().filter(lists::containsKey).forEach(id -> found.put(id, lists.get(id)));
            return found;
        }

        @Override
        Map<String, List<Scored>> bestsellers(int generation) {
            bestsellerReads++;
            return bestsellers;
        }
    }
}
