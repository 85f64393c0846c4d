package io.stageflow.orders;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stageflow.events.EventProperties;
import io.stageflow.events.IntakeEffect;

import org.springframework.stereotype.Component;

/**
 * Records the e-commerce events as they are accepted, whichever API they came through (a Segment event's name in
 * snake_case is its type: {@code Order Completed} is {@code order_completed}): an order's {@code products} become its
 * lines and empty the cart; a refund marks the lines refunded; the cart is replaced by a cart view, a checkout or a
 * {@code cart_updated} that lists {@code products}, added to and taken from one product at a time; a product view is
 * counted. A redelivered messageId never gets here ({@link IntakeEffect}), and an order sent again under a new one
 * keeps the lines it has.
 */
@Component
class EcommerceEvents implements IntakeEffect {

    static final String ORDER_COMPLETED = "order_completed";
    static final String ORDER_REFUNDED = "order_refunded";
    static final String PRODUCT_ADDED = "product_added";
    static final String PRODUCT_REMOVED = "product_removed";
    static final String PRODUCT_VIEWED = "product_viewed";
    /** The events whose {@code products} are the whole cart now. */
    static final Set<String> CART_CONTENTS = Set.of("cart_viewed", "checkout_started", "cart_updated");
    private static final String PRODUCTS = "products";

    private final OrderLines orders;
    private final CartLines carts;
    private final ProductViews views;

    EcommerceEvents(OrderLines orders, CartLines carts, ProductViews views) {
        this.orders = orders;
        this.carts = carts;
        this.views = views;
    }

    @Override
    public Set<String> eventTypes() {
        Set<String> types = new java.util.HashSet<>(CART_CONTENTS);
        types.addAll(Set.of(ORDER_COMPLETED, ORDER_REFUNDED, PRODUCT_ADDED, PRODUCT_REMOVED, PRODUCT_VIEWED));
        return Set.copyOf(types);
    }

    @Override
    public void accepted(AcceptedEvent event) {
        Map<String, Object> properties = event.properties();
        String customer = event.customerId();
        String currency = EventProperties.currency(properties.get("currency"));
        switch (event.type()) {
            case ORDER_COMPLETED -> {
                orders.insert(customer, event.orderId(), ProductLine.listOf(properties.get(PRODUCTS)), currency,
                        event.occurredAt(), event.messageId());
                carts.empty(customer);
            }
            case ORDER_REFUNDED -> orders.markRefunded(customer, event.orderId(),
                    ProductLine.listOf(properties.get(PRODUCTS)).stream().map(ProductLine::key).distinct().toList(),
                    event.occurredAt());
            case PRODUCT_ADDED -> productsOf(properties)
                    .forEach(line -> carts.add(customer, line, currency, event.occurredAt(), event.messageId()));
            case PRODUCT_REMOVED -> productsOf(properties)
                    .forEach(line -> carts.remove(customer, line));
            case PRODUCT_VIEWED -> productsOf(properties).stream().filter(line -> line.productId() != null)
                    .forEach(line -> views.count(customer, line.productId(), event.occurredAt(), 1));
            default -> {
                if (properties.get(PRODUCTS) instanceof List<?>) {
                    carts.replace(customer, ProductLine.listOf(properties.get(PRODUCTS)), currency, event.occurredAt(),
                            event.messageId());
                }
            }
        }
    }

    @Override
    public void customerMerged(String fromId, String intoId) {
        orders.reassignCustomer(fromId, intoId);
        carts.reassignCustomer(fromId, intoId);
        views.reassignCustomer(fromId, intoId);
    }

    /**
     * The product of a single-product event: at its top, as Segment's spec has it, or else each item of its
     * {@code products} (as some shops send them).
     */
    private static List<ProductLine> productsOf(Map<String, Object> properties) {
        ProductLine top = ProductLine.of(properties);
        return top != null ? List.of(top) : ProductLine.listOf(properties.get(PRODUCTS));
    }
}
