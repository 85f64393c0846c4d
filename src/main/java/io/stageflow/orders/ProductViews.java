package io.stageflow.orders;

import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.support.DatabaseTimestamps;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code sf_product_view}: which products each customer looked at, bounded however many views come: one row per
 * customer, product and day (UTC) with a count. Each method runs in the caller's transaction.
 */
@Repository
class ProductViews {

    private final JdbcClient jdbc;
    private final DatabaseTimestamps timestamps;

    ProductViews(JdbcClient jdbc, DatabaseTimestamps timestamps) {
        this.jdbc = jdbc;
        this.timestamps = timestamps;
    }

    /** Counts one view (or {@code views} views, when folding a visitor's into a customer's) of the product that day. */
    void count(String customerId, String productId, Instant viewedAt, int views) {
        Date day = Date.valueOf(LocalDate.ofInstant(viewedAt, ZoneOffset.UTC));
        if (add(customerId, productId, day, viewedAt, views) > 0) {
            return;
        }
        try {
            jdbc.sql("""
                    insert into sf_product_view (customer_id, product_id, viewed_on, views, last_viewed_at)
                    values (?, ?, ?, ?, ?)""")
                    .params(customerId, productId, day, views, timestamps.of(viewedAt)).update();
        } catch (DuplicateKeyException countedMeanwhile) {
            add(customerId, productId, day, viewedAt, views); // a concurrent request counted the day's first view
        }
    }

    private int add(String customerId, String productId, Date day, Instant viewedAt, int views) {
        return jdbc.sql("""
                update sf_product_view set views = least(views + :views, :max),
                       last_viewed_at = case when last_viewed_at < :at then :at else last_viewed_at end
                where customer_id = :customer and product_id = :product and viewed_on = :day""")
                .param("views", views).param("max", CartLines.MAX_COUNT).param("at", timestamps.of(viewedAt))
                .param("customer", customerId).param("product", productId).param("day", day).update();
    }

    /** The customer's views, a row per product and day, latest first. */
    List<View> of(String customerId) {
        return jdbc.sql("select product_id, viewed_on, views, last_viewed_at from sf_product_view where customer_id = ?"
                        + " order by last_viewed_at desc, product_id")
                .param(customerId)
                .query((rs, n) -> new View(rs.getString(1), rs.getDate(2).toLocalDate(), rs.getInt(3),
                        rs.getTimestamp(4).toInstant()))
                .list();
    }

    /**
     * The customer id that ends a page of about {@code rows} rows after {@code after} (null: from the first), in
     * customer id order; null when no row is left.
     */
    String pageEnd(String after, int rows) {
        return jdbc.sql("select max(customer_id) from (select customer_id from sf_product_view"
                        + (after == null ? "" : " where customer_id > :after") + " order by customer_id limit :rows) t")
                .param("after", after).param("rows", rows).query(String.class).optional().orElse(null);
    }

    /**
     * The products viewed by the customers after {@code after} (null: from the first) up to {@code to}, each once,
     * latest first, by customer id.
     */
    Map<String, List<String>> viewedBetween(String after, String to) {
        Map<String, List<String>> viewed = new HashMap<>();
        jdbc.sql("select customer_id, product_id, max(last_viewed_at) as last_at from sf_product_view where"
                        + (after == null ? "" : " customer_id > :after and") + " customer_id <= :to"
                        + " group by customer_id, product_id order by customer_id, last_at desc, product_id")
                .param("after", after).param("to", to)
                .query(rs -> {
                    viewed.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(rs.getString(2));
                });
        return viewed;
    }

    void deleteByCustomer(String customerId) {
        jdbc.sql("delete from sf_product_view where customer_id = ?").param(customerId).update();
    }

    /** Adds a merged-away visitor's views to the customer's, day by day, and deletes the visitor's. */
    void reassignCustomer(String fromId, String intoId) {
        for (View view : of(fromId)) {
            count(intoId, view.productId(), view.lastViewedAt(), view.views());
        }
        deleteByCustomer(fromId);
    }

    /** The views of one product on one day (UTC). */
    record View(String productId, LocalDate viewedOn, int views, Instant lastViewedAt) {
    }
}
