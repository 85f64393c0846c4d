package io.stageflow.orders;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A customer's orders, line by line, and their cart, as the e-commerce events left them: what templates and other
 * features read ({@code $order}, {@code $cart}), never the tables. Orders without a {@code products} array have no
 * lines and are not here (their count and total are the customer's {@code orders} on the profile).
 */
public interface Orders {

    /** The customer's latest order with lines, by when it was placed. */
    Optional<OrderView> latestOrder(String customerId);

    /** One of the customer's orders, by the shop's order id; empty when it has no lines or is someone else's. */
    Optional<OrderView> order(String customerId, String orderId);

    /** The customer's cart now; empty when they have none. */
    CartView cart(String customerId);

    /**
     * {@link #latestOrder} of many customers with one read (a wave of emails): by customer id, only those with an
     * order.
     */
    Map<String, OrderView> latestOrders(Collection<String> customerIds);

    /** {@link #cart} of many customers with one read: by customer id, each of them (an empty cart for none). */
    Map<String, CartView> carts(Collection<String> customerIds);

    /**
     * The products each of these customers bought (any order line, refunded or not), each product once, the latest
     * bought first, with one read: by customer id, only those who bought something. What recommendations leave out.
     */
    Map<String, List<String>> boughtProducts(Collection<String> customerIds);

    /**
     * The purchase and view histories of the next customers after {@code afterCustomerId} (null: from the first), in
     * customer id order, read a page at a time for the recommendation job: roughly {@code lines} order lines and
     * {@code lines} product views per page, never splitting a customer's history over two pages. Refunded lines and
     * lines without a product id are left out. {@link HistoryPage#last()} is null when no customer is left.
     */
    HistoryPage histories(String afterCustomerId, int lines);

    /** A page of {@link #histories}: the customers' histories and the last customer id the page covered. */
    record HistoryPage(List<History> customers, String last) {
    }

    /**
     * One customer's history: what they bought, a line each, latest first ({@code quantity} per line), and the
     * products they viewed, each once, latest first.
     */
    record History(String customerId, List<Bought> bought, List<String> viewed) {
    }

    /** A product bought on one order line, and how many. */
    record Bought(String productId, int quantity) {
    }

    /** An order: its lines in the order the event listed them. */
    record OrderView(String orderId, Instant orderedAt, List<Line> lines) {

        /** The sum of the lines' amounts; the lines of one order share a currency. */
        public BigDecimal total() {
            return lines.stream().map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        }

        /** The order's currency, when the event gave one. */
        public String currency() {
            return lines.isEmpty() ? null : lines.get(0).currency();
        }

        /** True when every line was refunded. */
        public boolean refunded() {
            return !lines.isEmpty() && lines.stream().allMatch(line -> line.refundedAt() != null);
        }
    }

    /** The cart: its lines in the order they were added, and when it last changed (null when empty). */
    record CartView(List<Line> lines, Instant updatedAt) {

        public boolean isEmpty() {
            return lines.isEmpty();
        }

        /** The sum of the lines' amounts. */
        public BigDecimal total() {
            return lines.stream().map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    /**
     * One line of an order or a cart: a product (its id, SKU, name and category as the shop sent them, any of which
     * may be null), its unit price (null when none was sent), quantity and currency; {@code refundedAt} only on an
     * order's refunded lines.
     */
    record Line(int position, String productId, String sku, String name, String category, BigDecimal price,
            int quantity, String currency, Instant refundedAt) {

        /** Price times quantity; zero without a price. */
        public BigDecimal amount() {
            return price == null ? BigDecimal.ZERO : price.multiply(BigDecimal.valueOf(quantity));
        }
    }
}
