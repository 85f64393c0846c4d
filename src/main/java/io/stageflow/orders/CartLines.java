package io.stageflow.orders;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.support.DatabaseTimestamps;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code sf_cart_line}: each customer's latest cart, one row per product (its id, or its SKU when it has none). Each
 * method runs in the caller's transaction.
 */
@Repository
class CartLines {

    /** Where a quantity or count stops growing: far beyond any real one, and safe from overflowing an int column. */
    static final int MAX_COUNT = 1_000_000_000;

    private final JdbcClient jdbc;
    private final DatabaseTimestamps timestamps;

    CartLines(JdbcClient jdbc, DatabaseTimestamps timestamps) {
        this.jdbc = jdbc;
        this.timestamps = timestamps;
    }

    /** The cart becomes these products (none: empty), merged by product. */
    void replace(String customerId, List<ProductLine> lines, String currency, Instant at, String messageId) {
        empty(customerId);
        lines.forEach(line -> add(customerId, line, currency, at, messageId));
    }

    /**
     * Adds the product: its quantity to the line of the same product, whose price, name and category it updates, or
     * as a new line.
     */
    void add(String customerId, ProductLine line, String currency, Instant at, String messageId) {
        int updated = jdbc.sql("""
                update sf_cart_line set quantity = least(quantity + :quantity, :max), price = coalesce(:price, price),
                       name = coalesce(:name, name), category = coalesce(:category, category),
                       sku = coalesce(:sku, sku), currency = coalesce(:currency, currency), updated_at = :at,
                       message_id = :message
                where customer_id = :customer""" + " and " + sameProduct(line))
                .param("quantity", line.quantity()).param("max", MAX_COUNT).param("price", line.price())
                .param("name", line.name()).param("category", line.category()).param("sku", line.sku())
                .param("currency", currency).param("at", timestamps.of(at)).param("message", messageId)
                .param("customer", customerId).param("key", line.key()).update();
        if (updated == 0) {
            jdbc.sql("""
                    insert into sf_cart_line (customer_id, product_id, sku, name, category, price, quantity, currency,
                                              updated_at, message_id)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(customerId, line.productId(), line.sku(), line.name(), line.category(), line.price(),
                            line.quantity(), currency, timestamps.of(at), messageId)
                    .update();
        }
    }

    /**
     * Takes the product out: {@code quantity} of it when the event says how many, the whole line when it does not or
     * when no more are left.
     */
    void remove(String customerId, ProductLine line) {
        boolean quantityGiven = line.quantitySent();
        if (quantityGiven) {
            jdbc.sql("update sf_cart_line set quantity = quantity - :quantity where customer_id = :customer and "
                            + sameProduct(line))
                    .param("quantity", line.quantity()).param("customer", customerId).param("key", line.key()).update();
        }
        jdbc.sql("delete from sf_cart_line where customer_id = :customer and "
                        + (quantityGiven ? "quantity <= 0 and " : "") + sameProduct(line))
                .param("customer", customerId).param("key", line.key()).update();
    }

    /** Empties the customer's cart (an order was placed, the cart was replaced, the customer erased). */
    void empty(String customerId) {
        jdbc.sql("delete from sf_cart_line where customer_id = ?").param(customerId).update();
    }

    /** The customer's cart lines, in the order they were first added. */
    List<Orders.Line> of(String customerId) {
        return jdbc.sql("select * from sf_cart_line where customer_id = ? order by id").param(customerId)
                .query(CartLines::line).list();
    }

    /**
     * The carts of these customers with one read, by customer id, each in the order its lines were first added; a
     * customer without a cart is not in it.
     */
    Map<String, Orders.CartView> ofCustomers(Collection<String> customerIds) {
        Map<String, List<Orders.Line>> lines = new HashMap<>();
        Map<String, Instant> updated = new HashMap<>();
        if (!customerIds.isEmpty()) {
            jdbc.sql("select * from sf_cart_line where customer_id in (:customers) order by id")
                    .param("customers", customerIds).query(rs -> {
                        String customer = rs.getString("customer_id");
                        List<Orders.Line> cart = lines.computeIfAbsent(customer, id -> new ArrayList<>());
                        cart.add(line(rs, cart.size()));
                        updated.merge(customer, rs.getTimestamp("updated_at").toInstant(),
                                (a, b) -> a.isAfter(b) ? a : b);
                    });
        }
        Map<String, Orders.CartView> carts = new HashMap<>();
        lines.forEach((customer, cart) -> carts.put(customer,
                new Orders.CartView(List.copyOf(cart), updated.get(customer))));
        return carts;
    }

    /** When the customer's cart last changed, or null when it is empty. */
    Instant updatedAt(String customerId) {
        return jdbc.sql("select max(updated_at) from sf_cart_line where customer_id = ?").param(customerId)
                .query((rs, n) -> rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant()).single();
    }

    /**
     * A merged-away visitor's cart: becomes the customer's when they have none (the visitor filled it before signing
     * in), and is dropped otherwise (the customer's own cart is the later one).
     */
    void reassignCustomer(String fromId, String intoId) {
        boolean intoHasCart = jdbc.sql("select count(*) from sf_cart_line where customer_id = ?").param(intoId)
                .query(Long.class).single() > 0;
        if (intoHasCart) {
            empty(fromId);
        } else {
            jdbc.sql("update sf_cart_line set customer_id = ? where customer_id = ?").params(intoId, fromId).update();
        }
    }

    /** The condition on the row of the same product: by product id, or by SKU for a product without one. */
    private static String sameProduct(ProductLine line) {
        return line.productId() != null ? "product_id = :key" : "product_id is null and sku = :key";
    }

    private static Orders.Line line(ResultSet rs, int n) throws SQLException {
        return new Orders.Line(n + 1, rs.getString("product_id"), rs.getString("sku"), rs.getString("name"),
                rs.getString("category"), rs.getBigDecimal("price"), rs.getInt("quantity"), rs.getString("currency"),
                null);
    }
}
