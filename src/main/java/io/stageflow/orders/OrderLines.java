package io.stageflow.orders;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.support.DatabaseTimestamps;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@code sf_order_line}: the lines of customers' orders. Each method runs in the caller's transaction. */
@Repository
class OrderLines {

    /** A customer's products by when they last bought each, latest first; equal times by product id. */
    private static final Comparator<Map.Entry<String, LocalDateTime>> LATEST_FIRST = Map.Entry
            .<String, LocalDateTime>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());

    private static final String INSERT = """
            insert into sf_order_line (customer_id, order_id, line_number, product_id, sku, name, category, price,
                                       quantity, currency, ordered_at, message_id)
            values""";
    private static final String VALUES = " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** Rows per statement: 12 parameters each, well within any driver's limit. */
    private static final int ROWS_PER_INSERT = 200;

    private final JdbcClient jdbc;
    private final DatabaseTimestamps timestamps;

    OrderLines(JdbcClient jdbc, DatabaseTimestamps timestamps) {
        this.jdbc = jdbc;
        this.timestamps = timestamps;
    }

    /**
     * Stores an order's lines, numbered from 1; nothing when the order has lines already (the same order sent again
     * under another messageId, or another customer's order with the same id). False when nothing was stored.
     */
    boolean insert(String customerId, String orderId, List<ProductLine> lines, String currency, Instant orderedAt,
            String messageId) {
        if (lines.isEmpty() || jdbc.sql("select count(*) from sf_order_line where order_id = ?").param(orderId)
                .query(Long.class).single() > 0) {
            return false;
        }
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            ProductLine line = lines.get(i);
            rows.add(new Object[] {customerId, orderId, i + 1, line.productId(), line.sku(), line.name(),
                    line.category(), line.price(), line.quantity(), currency, timestamps.of(orderedAt), messageId});
        }
        try {
            for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
                List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
                jdbc.sql(INSERT + String.join(",", Collections.nCopies(chunk.size(), VALUES)))
                        .params(chunk.stream().flatMap(Arrays::stream).toList()).update();
            }
            return true;
        } catch (DuplicateKeyException storedMeanwhile) {
            // A concurrent request stored the same order's lines, which stand: this event is still accepted. A failed
            // statement undoes only itself, so the chunks this call stored before it go too.
            jdbc.sql("delete from sf_order_line where order_id = ? and message_id = ?").params(orderId, messageId)
                    .update();
            return false;
        }
    }

    /**
     * Marks the customer's lines of an order refunded: those of these products (ids or SKUs), or all of them when
     * {@code productKeys} is empty. Lines refunded before keep their time. The number marked.
     */
    int markRefunded(String customerId, String orderId, Collection<String> productKeys, Instant refundedAt) {
        String products = productKeys.isEmpty() ? "" : " and (product_id in (:keys) or sku in (:keys))";
        return jdbc.sql("update sf_order_line set refunded_at = :at where customer_id = :customer"
                        + " and order_id = :order and refunded_at is null" + products)
                .param("at", timestamps.of(refundedAt)).param("customer", customerId).param("order", orderId)
                .param("keys", productKeys).update();
    }

    /** The id of the customer's latest order by when it was placed, if any has lines. */
    Optional<String> latestOrderId(String customerId) {
        return jdbc.sql("select order_id from sf_order_line where customer_id = ? order by ordered_at desc, id desc"
                        + " limit 1")
                .param(customerId).query(String.class).optional();
    }

    /**
     * The lines of the latest order of each of these customers with one read (the order placed last; of two placed at
     * the same moment, the one stored last, as {@link #latestOrderId} has it), by customer id, in order.
     */
    Map<String, List<Row>> latestOfCustomers(Collection<String> customerIds) {
        if (customerIds.isEmpty()) {
            return Map.of();
        }
        Map<String, Map<String, List<Row>>> byCustomerAndOrder = new HashMap<>();
        Map<String, String> latest = new HashMap<>();
        jdbc.sql("""
                select l.* from sf_order_line l
                join (select customer_id, max(ordered_at) as latest_at from sf_order_line
                      where customer_id in (:customers) group by customer_id) m
                  on l.customer_id = m.customer_id and l.ordered_at = m.latest_at
                order by l.id""")
                .param("customers", customerIds).query(rs -> {
                    String customer = rs.getString("customer_id");
                    Row row = row(rs, 0);
                    byCustomerAndOrder.computeIfAbsent(customer, id -> new HashMap<>())
                            .computeIfAbsent(row.orderId(), id -> new ArrayList<>()).add(row);
                    latest.put(customer, row.orderId()); // rows come by id: the order stored last wins
                });
        Map<String, List<Row>> lines = new HashMap<>();
        latest.forEach((customer, orderId) -> lines.put(customer, byCustomerAndOrder.get(customer).get(orderId)
                .stream().sorted(Comparator.comparingInt(row -> row.line().position())).toList()));
        return lines;
    }

    /**
     * The products each of these customers bought, each once, latest first, by customer id (only those with a line
     * naming a product).
     */
    Map<String, List<String>> boughtProducts(Collection<String> customerIds) {
        // Read from ix_sf_order_line_customer alone (changeset 049); grouped here, not by a temporary table.
        Map<String, Map<String, LocalDateTime>> lastBought = new HashMap<>();
        jdbc.sql("""
                select customer_id, product_id, ordered_at from sf_order_line
                where customer_id in (:customers) and product_id is not null""")
                .param("customers", customerIds)
                .query(rs -> {
                    LocalDateTime at = rs.getObject(3, LocalDateTime.class);
                    lastBought.computeIfAbsent(rs.getString(1), id -> new HashMap<>(8))
                            .merge(rs.getString(2), at, (one, other) -> one.isAfter(other) ? one : other);
                });
        Map<String, List<String>> bought = new HashMap<>(lastBought.size() * 2);
        lastBought.forEach((customer, products) -> {
            List<Map.Entry<String, LocalDateTime>> latestFirst = new ArrayList<>(products.entrySet());
            latestFirst.sort(LATEST_FIRST);
            List<String> ids = new ArrayList<>(latestFirst.size());
            latestFirst.forEach(entry -> ids.add(entry.getKey()));
            bought.put(customer, ids);
        });
        return bought;
    }

    /**
     * The customer id that ends a page of about {@code lines} lines after {@code after} (null: from the first), in
     * customer id order; null when no line is left.
     */
    String pageEnd(String after, int lines) {
        return jdbc.sql("select max(customer_id) from (select customer_id from sf_order_line"
                        + (after == null ? "" : " where customer_id > :after") + " order by customer_id limit :lines) t")
                .param("after", after).param("lines", lines).query(String.class).optional().orElse(null);
    }

    /**
     * The products bought by the customers after {@code after} (null: from the first) up to {@code to}, a line each
     * (refunded lines and lines without a product left out), latest first, by customer id.
     */
    Map<String, List<Orders.Bought>> boughtBetween(String after, String to) {
        Map<String, List<Orders.Bought>> bought = new HashMap<>();
        jdbc.sql("select customer_id, product_id, quantity from sf_order_line where"
                        + (after == null ? "" : " customer_id > :after and") + " customer_id <= :to"
                        + " and product_id is not null and refunded_at is null"
                        + " order by customer_id, ordered_at desc, id desc")
                .param("after", after).param("to", to)
                .query(rs -> {
                    bought.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                            .add(new Orders.Bought(rs.getString(2), rs.getInt(3)));
                });
        return bought;
    }

    /** The customer's lines of one order, in order. */
    List<Row> ofOrder(String customerId, String orderId) {
        return jdbc.sql("select * from sf_order_line where customer_id = ? and order_id = ? order by line_number")
                .params(customerId, orderId).query(OrderLines::row).list();
    }

    /** All the customer's lines, oldest order first: their export. */
    List<Row> ofCustomer(String customerId) {
        return jdbc.sql("select * from sf_order_line where customer_id = ? order by ordered_at, order_id, line_number")
                .param(customerId).query(OrderLines::row).list();
    }

    void deleteByCustomer(String customerId) {
        jdbc.sql("delete from sf_order_line where customer_id = ?").param(customerId).update();
    }

    void reassignCustomer(String fromId, String intoId) {
        jdbc.sql("update sf_order_line set customer_id = ? where customer_id = ?").params(intoId, fromId).update();
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        Timestamp refunded = rs.getTimestamp("refunded_at");
        return new Row(rs.getString("order_id"), rs.getTimestamp("ordered_at").toInstant(),
                new Orders.Line(rs.getInt("line_number"), rs.getString("product_id"), rs.getString("sku"),
                        rs.getString("name"), rs.getString("category"), rs.getBigDecimal("price"), rs.getInt("quantity"),
                        rs.getString("currency"), refunded == null ? null : refunded.toInstant()));
    }

    /** A stored line with its order. */
    record Row(String orderId, Instant orderedAt, Orders.Line line) {
    }
}
