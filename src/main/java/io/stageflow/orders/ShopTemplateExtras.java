package io.stageflow.orders;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.stageflow.customers.Customer;
import io.stageflow.products.ProductView;
import io.stageflow.products.Products;
import io.stageflow.templates.TemplateExtras;
import io.stageflow.templates.TemplatesProperties;

import org.springframework.stereotype.Component;

/**
 * {@code $cart} (the customer's cart now), {@code $order} (their latest order, absent when they have none) and
 * {@code $products} (the catalogue, {@link ProductLookup}) in templates, shaped by {@link ShopTemplateData}. A wave
 * of emails costs one read of the carts of all its customers, one of their latest orders and one of the catalogue
 * rows of every product in them. Previews with sample traits, and deploy-time validation, show a sample cart of two
 * products and a sample order.
 */
@Component
class ShopTemplateExtras implements TemplateExtras {

    /** The two products of the sample cart and order. */
    static final List<ProductView> SAMPLE_PRODUCTS = List.of(
            new ProductView("sample-shoe", "SAMPLE-SHOE", "Trail running shoe", "Shoes > Running",
                    new BigDecimal("89.90"), "EUR", "https://shop.example.com/products/trail-running-shoe",
                    "https://shop.example.com/images/trail-running-shoe.jpg", true, null, null),
            new ProductView("sample-socks", "SAMPLE-SOCKS", "Merino socks", "Socks", new BigDecimal("12.50"), "EUR",
                    "https://shop.example.com/products/merino-socks",
                    "https://shop.example.com/images/merino-socks.jpg", true, null, null));

    private final Orders orders;
    private final Products products;
    private final Clock clock;
    /** {@code $cart.url}: {@code stageflow.orders.cart-url}, else the brand's website. */
    private final String cartUrl;

    ShopTemplateExtras(Orders orders, Products products, OrdersProperties settings, TemplatesProperties templates,
            Clock clock) {
        this.orders = orders;
        this.products = products;
        this.clock = clock;
        this.cartUrl = settings.cartUrl() != null ? settings.cartUrl() : templates.brand().websiteUrl();
    }

    /** The carts, latest orders and catalogue products of the whole wave, one read each. */
    @Override
    public Set<String> names() {
        return Set.of("cart", "order", "products");
    }

    @Override
    public Map<String, Map<String, Object>> forDeliveries(Map<String, Customer> recipientsByIdempotencyKey) {
        Set<String> customerIds = new LinkedHashSet<>();
        recipientsByIdempotencyKey.values().forEach(customer -> customerIds.add(customer.id()));
        Map<String, Orders.CartView> carts = orders.carts(customerIds);
        Map<String, Orders.OrderView> latest = orders.latestOrders(customerIds);
        Set<String> productIds = new LinkedHashSet<>();
        Stream.concat(carts.values().stream().flatMap(cart -> cart.lines().stream()),
                        latest.values().stream().flatMap(order -> order.lines().stream()))
                .map(Orders.Line::productId).filter(id -> id != null).forEach(productIds::add);
        Map<String, ProductView> catalogue = productIds.isEmpty() ? Map.of() : products.findAll(productIds);
        Map<String, Map<String, Object>> entries = new HashMap<>();
        recipientsByIdempotencyKey.forEach((key, customer) -> {
            ShopTemplateData data = ShopTemplateData.forCustomer(customer, catalogue);
            Map<String, Object> model = new HashMap<>();
            model.put("cart", data.cart(carts.getOrDefault(customer.id(), new Orders.CartView(List.of(), null)),
                    cartUrl));
            Orders.OrderView order = latest.get(customer.id());
            if (order != null) {
                model.put("order", data.order(order));
            }
            model.put("products", lookup(data, catalogue));
            entries.put(key, Map.copyOf(model));
        });
        return entries;
    }

    @Override
    public Map<String, Object> forPreview(Customer customer) {
        Map<String, ProductView> samples = new HashMap<>();
        SAMPLE_PRODUCTS.forEach(product -> samples.put(product.id(), product));
        ShopTemplateData data = ShopTemplateData.forCustomer(customer, samples);
        List<Orders.Line> lines = new ArrayList<>(); // one shoe, two pairs of socks
        for (ProductView product : SAMPLE_PRODUCTS) {
            lines.add(new Orders.Line(lines.size() + 1, product.id(), product.sku(), product.name(),
                    product.categoryPath(), product.price(), lines.size() + 1, product.currency(), null));
        }
        return Map.of(
                "cart", data.cart(new Orders.CartView(lines, clock.instant()), cartUrl),
                "order", data.order(new Orders.OrderView("SAMPLE-1001", clock.instant().minus(Duration.ofDays(30)),
                        lines)),
                "products", lookup(data, samples));
    }

    @Override
    public Map<String, Object> forCustomerWithoutData(Customer customer) {
        ShopTemplateData data = ShopTemplateData.forCustomer(customer, Map.of());
        return Map.of("cart", data.cart(new Orders.CartView(List.of(), null), cartUrl),
                "products", lookup(data, Map.of()));
    }

    /** {@code $products}: the products at hand, then the catalogue. */
    private ProductLookup lookup(ShopTemplateData data, Map<String, ProductView> atHand) {
        return new ProductLookup(id -> Optional.ofNullable(atHand.get(id)).or(() -> products.find(id)),
                data::product);
    }
}
