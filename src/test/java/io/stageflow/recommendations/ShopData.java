package io.stageflow.recommendations;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes catalogue products, order lines and product views straight into their tables, many rows per statement, as
 * the e-commerce events would have left them: the recommendation tests need thousands of lines, which the events
 * API would take minutes to accept.
 */
final class ShopData {

    private final JdbcClient jdbc;
    private final List<Object[]> lines = new ArrayList<>();
    private final List<Object[]> views = new ArrayList<>();
    private final List<Object[]> products = new ArrayList<>();
    private final Set<String> storedCustomers = new LinkedHashSet<>();
    private final Set<String> storedProducts = new LinkedHashSet<>();

    ShopData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    ShopData product(String id, String name, String category, String price, boolean inStock) {
        Timestamp now = Timestamp.from(Instant.now());
        products.add(new Object[] {id, null, name, category, new BigDecimal(price), "EUR",
                "https://shop.example.com/p/" + id, "https://shop.example.com/i/" + id + ".jpg", inStock, now, now});
        return this;
    }

    /** One order of one line per product, one of each. */
    ShopData order(String customer, String orderId, Instant at, String... productIds) {
        for (int i = 0; i < productIds.length; i++) {
            lines.add(new Object[] {customer, orderId, i + 1, productIds[i], null, productIds[i], null,
                    new BigDecimal("10.00"), 1, "EUR", Timestamp.from(at), "m-" + orderId});
        }
        return this;
    }

    ShopData view(String customer, String productId, Instant at) {
        views.add(new Object[] {customer, productId, Date.valueOf(LocalDate.ofInstant(at, ZoneOffset.UTC)), 1,
                Timestamp.from(at)});
        return this;
    }

    /** Writes what was added since the last call. */
    void store() {
        products.forEach(row -> storedProducts.add((String) row[0]));
        lines.forEach(row -> storedCustomers.add((String) row[0]));
        views.forEach(row -> storedCustomers.add((String) row[0]));
        insert("sf_product (id, sku, name, category_path, price, currency, url, image_url, in_stock, created_at,"
                + " updated_at)", products);
        insert("sf_order_line (customer_id, order_id, line_number, product_id, sku, name, category, price, quantity,"
                + " currency, ordered_at, message_id)", lines);
        insert("sf_product_view (customer_id, product_id, viewed_on, views, last_viewed_at)", views);
    }

    /**
     * Deletes every row this wrote: the tests share one database, and the recommendation job of a later test would
     * otherwise count these customers again.
     */
    void removeStored() {
        delete("delete from sf_order_line where customer_id in (:ids)", storedCustomers);
        delete("delete from sf_product_view where customer_id in (:ids)", storedCustomers);
        delete("delete from sf_product where id in (:ids)", storedProducts);
        storedCustomers.clear();
        storedProducts.clear();
    }

    private void delete(String statement, Set<String> ids) {
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += 500) {
            jdbc.sql(statement).param("ids", all.subList(from, Math.min(all.size(), from + 500))).update();
        }
    }

    private void insert(String into, List<Object[]> rows) {
        for (int from = 0; from < rows.size(); from += 200) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + 200));
            String values = "(" + String.join(", ", Collections.nCopies(chunk.get(0).length, "?")) + ")";
            jdbc.sql("insert into " + into + " values " + String.join(",", Collections.nCopies(chunk.size(), values)))
                    .params(chunk.stream().flatMap(Arrays::stream).toList()).update();
        }
        rows.clear();
    }
}
