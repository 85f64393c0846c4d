package io.stageflow.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.customers.Customer;
import io.stageflow.products.ProductView;
import io.stageflow.products.Products;
import io.stageflow.templates.TemplatesProperties;

import org.junit.jupiter.api.Test;

/**
 * {@code $cart}, {@code $order} and {@code $products} as templates see them: a wave of emails reads each table once,
 * money is written in the customer's locale, the catalogue's data wins over the event's where it has the product, and
 * only http(s) URLs are handed on. Plain unit tests: orders and the catalogue are stand-ins that count their reads.
 */
class ShopTemplateExtrasTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    private final CountingOrders orders = new CountingOrders();
    private final CountingProducts products = new CountingProducts();
    private final ShopTemplateExtras extras = new ShopTemplateExtras(orders, products, new OrdersProperties(null),
            new TemplatesProperties(null, 0, null, new TemplatesProperties.Brand("Shop", "https://shop.example.com",
                    "1 Street"), false), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aWaveOfEmailsReadsTheCartsTheOrdersAndTheCatalogueOnceEach() {
        orders.carts.put("ada", cart(line("p-1", "Shoe (event)", "80.00", 1, "EUR"), line("p-2", "Socks", "5", 2,
                "EUR")));
        orders.carts.put("bob", cart(line("p-3", "Hat", "20", 1, "USD")));
        orders.orders.put("ada", new Orders.OrderView("o-1", Instant.parse("2026-03-01T23:30:00Z"),
                List.of(line("p-1", "Shoe (event)", "75.00", 1, "EUR"), line("p-4", "Bag", "30", 1, "EUR"))));
        products.stored.put("p-1", product("p-1", "Trail shoe", "89.90", "EUR", "https://shop.example.com/p/1",
                "https://cdn.example.com/1.jpg", true));
        products.stored.put("p-3", product("p-3", "Sun hat", "19.00", "USD", "javascript:alert(1)",
                "data:image/png;base64,AAAA", false));

        Map<String, Map<String, Object>> entries = extras.forDeliveries(Map.of(
                "k-1", customer("ada", "de", "Europe/Berlin"), "k-2", customer("bob", "en-US", "America/New_York"),
                "k-3", customer("cleo", null, null)));

        assertThat(orders.cartReads).as("carts read").isEqualTo(1);
        assertThat(orders.orderReads).as("latest orders read").isEqualTo(1);
        assertThat(products.findAllCalls).as("catalogue read").containsExactly(List.of("p-1", "p-2", "p-3", "p-4"));

        Map<String, Object> adaCart = cart(entries, "k-1");
        assertThat(adaCart).containsEntry("total", "99,90\u00a0€").containsEntry("itemCount", 3)
                .containsEntry("empty", false).containsEntry("url", "https://shop.example.com");
        assertThat(lines(adaCart)).first().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("name", "Trail shoe").containsEntry("price", "89,90\u00a0€")
                .containsEntry("imageUrl", "https://cdn.example.com/1.jpg")
                .containsEntry("url", "https://shop.example.com/p/1").containsEntry("inStock", true);
        assertThat(lines(adaCart).get(1)).as("not in the catalogue: the event's name and price")
                .containsEntry("name", "Socks").containsEntry("price", "5,00\u00a0€").containsEntry("amount", "10,00\u00a0€")
                .containsEntry("imageUrl", "").containsEntry("url", "").containsEntry("inCatalogue", false);

        @SuppressWarnings("unchecked")
        Map<String, Object> adaOrder = (Map<String, Object>) entries.get("k-1").get("order");
        assertThat(adaOrder).containsEntry("orderId", "o-1").containsEntry("orderedAt", "2. März 2026")
                .containsEntry("total", "105,00\u00a0€");
        assertThat(lines(adaOrder).get(0)).as("an order line keeps the price paid")
                .containsEntry("name", "Trail shoe").containsEntry("price", "75,00\u00a0€");

        assertThat(lines(cart(entries, "k-2")).get(0)).as("only http(s) URLs reach a template")
                .containsEntry("name", "Sun hat").containsEntry("price", "$19.00").containsEntry("url", "")
                .containsEntry("imageUrl", "").containsEntry("inStock", false);
        assertThat(entries.get("k-2")).doesNotContainKey("order");
        assertThat(cart(entries, "k-3")).containsEntry("empty", true).containsEntry("total", "")
                .containsEntry("itemCount", 0);
    }

    @Test
    void productsReadsTheCatalogueOnlyForProductsTheWaveDidNotRead() {
        orders.carts.put("ada", cart(line("p-1", "Shoe", "80", 1, "EUR")));
        products.stored.put("p-1", product("p-1", "Trail shoe", "89.90", "EUR", null, null, true));
        products.stored.put("p-9", product("p-9", "Gift card", "25.00", "GBP", "https://shop.example.com/gift",
                null, true));
        Map<String, Object> entries = extras.forDelivery(customer("ada", "en-GB", "Europe/London"), "k-1");
        ProductLookup lookup = (ProductLookup) entries.get("products");

        assertThat(lookup.get("p-1")).containsEntry("name", "Trail shoe");
        assertThat(lookup.get("p-9")).containsEntry("price", "£25.00").containsEntry("url",
                "https://shop.example.com/gift");
        assertThat(lookup.get("p-9")).isNotNull();
        assertThat(lookup.get("nope")).isNull();
        assertThat(lookup.get("nope")).isNull();
        assertThat(products.findCalls).as("single reads after the wave's").containsExactly("p-9", "nope");
    }

    @Test
    void previewsAndValidationHaveASampleCartOfTwoProductsAndASampleOrder() {
        Map<String, Object> sample = extras.forPreview(customer("sample", "en", "UTC"));

        assertThat(lines(sample.get("cart"))).hasSize(2).allSatisfy(line -> assertThat(line)
                .extractingByKey("imageUrl").asString().startsWith("https://"));
        assertThat(map(sample.get("cart"))).containsEntry("total", "€114.90");
        assertThat(map(sample.get("order"))).containsEntry("orderId", "SAMPLE-1001");
        assertThat(((ProductLookup) sample.get("products")).get("sample-shoe")).containsEntry("name",
                "Trail running shoe");
        assertThat(map(extras.forCustomerWithoutData(customer("sample", "en", "UTC")).get("cart")))
                .containsEntry("empty", true);
        assertThat(orders.cartReads + orders.orderReads).as("samples read nothing").isZero();
    }

    private static Map<String, Object> cart(Map<String, Map<String, Object>> entries, String key) {
        @SuppressWarnings("unchecked")
        Map<String, Object> cart = (Map<String, Object>) entries.get(key).get("cart");
        return cart;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> lines(Object cartOrOrder) {
        return (List<Map<String, Object>>) ((Map<String, Object>) cartOrOrder).get("lines");
    }

    private static Customer customer(String id, String locale, String timeZone) {
        return new Customer(id, id + "@example.com", null, locale, timeZone, Map.of(), null, null, null);
    }

    private static Orders.Line line(String productId, String name, String price, int quantity, String currency) {
        return new Orders.Line(1, productId, null, name, null, new BigDecimal(price), quantity, currency, null);
    }

    private static Orders.CartView cart(Orders.Line... lines) {
        return new Orders.CartView(List.of(lines), NOW);
    }

    private static ProductView product(String id, String name, String price, String currency, String url,
            String imageUrl, boolean inStock) {
        return new ProductView(id, null, name, null, new BigDecimal(price), currency, url, imageUrl, inStock, NOW,
                NOW);
    }

    private static final class CountingOrders implements Orders {

        final Map<String, CartView> carts = new java.util.HashMap<>();
        final Map<String, OrderView> orders = new java.util.HashMap<>();
        int cartReads;
        int orderReads;

        @Override
        public Optional<OrderView> latestOrder(String customerId) {
            throw new AssertionError("one read per wave, not per customer");
        }

        @Override
        public Optional<OrderView> order(String customerId, String orderId) {
            throw new AssertionError("not used by templates");
        }

        @Override
        public CartView cart(String customerId) {
            throw new AssertionError("one read per wave, not per customer");
        }

        @Override
        public Map<String, OrderView> latestOrders(Collection<String> customerIds) {
            orderReads++;
            Map<String, OrderView> found = new java.util.HashMap<>();
            customerIds.stream().filter(orders::containsKey).forEach(id -> found.put(id, orders.get(id)));
            return found;
        }

        @Override
        public Map<String, CartView> carts(Collection<String> customerIds) {
            cartReads++;
            Map<String, CartView> found = new java.util.HashMap<>();
            customerIds.forEach(id -> found.put(id, carts.getOrDefault(id, new CartView(List.of(), null))));
            return found;
        }

        @Override
        public Map<String, List<String>> boughtProducts(Collection<String> customerIds) {
            throw new AssertionError("not used by $cart, $order or $products");
        }

        @Override
        public HistoryPage histories(String afterCustomerId, int lines) {
            throw new AssertionError("not used by templates");
        }
    }

    private static final class CountingProducts implements Products {

        final Map<String, ProductView> stored = new java.util.HashMap<>();
        final List<List<String>> findAllCalls = new ArrayList<>();
        final List<String> findCalls = new ArrayList<>();

        @Override
        public Optional<ProductView> find(String id) {
            findCalls.add(id);
            return Optional.ofNullable(stored.get(id));
        }

        @Override
        public Map<String, ProductView> findAll(Collection<String> ids) {
            findAllCalls.add(ids.stream().sorted().toList());
            Map<String, ProductView> found = new java.util.HashMap<>();
            ids.stream().filter(stored::containsKey).forEach(id -> found.put(id, stored.get(id)));
            return found;
        }
    }
}
