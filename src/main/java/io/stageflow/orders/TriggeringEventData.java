package io.stageflow.orders;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stageflow.customers.Customer;
import io.stageflow.events.EventProperties;
import io.stageflow.events.EventStore;
import io.stageflow.events.StoredEvent;
import io.stageflow.products.ProductView;
import io.stageflow.products.Products;
import io.stageflow.templates.TriggeringEvents;

import org.springframework.stereotype.Component;

/**
 * {@code $event} in a journey's email: the stored event that led the journey to the send step, with the products it
 * carries (a cart event's or an order's {@code products}, or the one product at the top of a {@code Product Added})
 * as lines shaped like {@code $order}'s ({@link ShopTemplateData#event}), named and pictured from the catalogue. A
 * wave of emails costs one read of their events and one of the catalogue rows of their products.
 */
@Component
class TriggeringEventData implements TriggeringEvents {

    private static final String PRODUCTS = "products";

    private final EventStore events;
    private final Products products;
    private final Clock clock;

    TriggeringEventData(EventStore events, Products products, Clock clock) {
        this.events = events;
        this.products = products;
        this.clock = clock;
    }

    @Override
    public Map<String, Map<String, Object>> forEmails(Map<String, EmailEvent> eventsByIdempotencyKey) {
        Set<String> messageIds = new LinkedHashSet<>();
        eventsByIdempotencyKey.values().forEach(email -> messageIds.add(email.messageId()));
        Map<String, StoredEvent> stored = events.findByMessageIds(messageIds);
        Map<String, List<Orders.Line>> linesByMessageId = new HashMap<>();
        Set<String> productIds = new LinkedHashSet<>();
        stored.values().forEach(event -> {
            List<Orders.Line> lines = lines(event.type(), event.properties());
            linesByMessageId.put(event.messageId(), lines);
            lines.stream().map(Orders.Line::productId).filter(id -> id != null).forEach(productIds::add);
        });
        Map<String, ProductView> catalogue = productIds.isEmpty() ? Map.of() : products.findAll(productIds);
        Map<String, Map<String, Object>> entries = new HashMap<>();
        eventsByIdempotencyKey.forEach((key, email) -> {
            StoredEvent event = stored.get(email.messageId());
            if (event != null && event.customerId().equals(email.customer().id())) {
                entries.put(key, ShopTemplateData.forCustomer(email.customer(), catalogue).event(event.type(),
                        event.occurredAt(), orderIdOf(event.properties()), event.properties(),
                        linesByMessageId.get(event.messageId())));
            }
        });
        return entries;
    }

    /** An {@code order_completed} of the sample shoe and socks, a month ago. */
    @Override
    public Map<String, Object> forPreview(Customer customer) {
        Map<String, ProductView> samples = new HashMap<>();
        List<Orders.Line> lines = new ArrayList<>();
        for (ProductView product : ShopTemplateExtras.SAMPLE_PRODUCTS) {
            samples.put(product.id(), product);
            lines.add(new Orders.Line(lines.size() + 1, product.id(), product.sku(), product.name(),
                    product.categoryPath(), product.price(), lines.size() + 1, product.currency(), null));
        }
        return ShopTemplateData.forCustomer(customer, samples).event("order_completed",
                clock.instant().minus(Duration.ofDays(30)), "SAMPLE-1001",
                Map.of("orderId", "SAMPLE-1001", "total", 114.90, "currency", "EUR"), lines);
    }

    /**
     * The products the event carries: its {@code products} array when it has one (an order, a cart), else for a
     * product event ({@code product_added}, {@code product_viewed}, …) the product at its top.
     */
    private static List<Orders.Line> lines(String type, Map<String, Object> properties) {
        String currency = EventProperties.currency(properties.get("currency"));
        List<ProductLine> products;
        if (properties.get(PRODUCTS) instanceof List<?> items) {
            products = ProductLine.listOf(items);
        } else if (type.startsWith("product_")) {
            ProductLine top = ProductLine.of(properties);
            products = top == null ? List.of() : List.of(top);
        } else {
            products = List.of();
        }
        List<Orders.Line> lines = new ArrayList<>();
        for (ProductLine product : products) {
            lines.add(new Orders.Line(lines.size() + 1, product.productId(), product.sku(), product.name(),
                    product.category(), product.price(), Math.max(1, product.quantity()), currency, null));
        }
        return lines;
    }

    /** The order the event names ({@code orderId} or Segment's {@code order_id}); null when it names none. */
    private static String orderIdOf(Map<String, Object> properties) {
        for (String name : List.of("orderId", "order_id")) {
            Object value = properties.get(name);
            if (value instanceof String || value instanceof Number) {
                return value.toString();
            }
        }
        return null;
    }
}
