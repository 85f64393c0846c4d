package io.stageflow.products;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.support.DatabaseTimestamps;
import io.stageflow.support.TypedParameters;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code sf_product} table: plain SQL that works on H2 and MariaDB alike. */
@Repository
class ProductStore {

    private static final String INSERT = """
            insert into sf_product (sku, name, category_path, price, currency, url, image_url, in_stock, created_at,
                                    updated_at, id)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String UPDATE = """
            update sf_product set sku = ?, name = ?, category_path = ?, price = ?, currency = ?, url = ?,
                                  image_url = ?, in_stock = ?, created_at = ?, updated_at = ?
            where id = ?""";

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final DatabaseTimestamps timestamps;

    ProductStore(JdbcClient jdbc, JdbcTemplate batch, DatabaseTimestamps timestamps) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.timestamps = timestamps;
    }

    Optional<ProductView> find(String id) {
        return jdbc.sql("select * from sf_product where id = ?").param(id).query(ProductStore::map).optional();
    }

    /** The stored products among these ids, by id, locked for update when {@code lock}. */
    Map<String, ProductView> findAll(Collection<String> ids, boolean lock) {
        Map<String, ProductView> found = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            jdbc.sql("select * from sf_product where id in (:ids) order by id" + (lock ? " for update" : ""))
                    .param("ids", ids).query(ProductStore::map).list().forEach(p -> found.put(p.id(), p));
        }
        return found;
    }

    /**
     * Up to {@code limit} products by id, after {@code after} (null: from the start), in the category {@code exact}
     * or below it ({@code below} is {@code exact + " > "}, escaped for {@code like}) when a category is given.
     */
    List<ProductView> page(String after, int limit, String category) {
        StringBuilder sql = new StringBuilder("select * from sf_product where id > :after");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("after", after == null ? "" : after);
        if (category != null) {
            sql.append(" and (category_path = :category or category_path like :below escape '!')");
            params.put("category", category);
            params.put("below", category.replace("!", "!!").replace("%", "!%").replace("_", "!_")
                    + ProductRules.CATEGORY_SEPARATOR + "%");
        }
        sql.append(" order by id limit :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(ProductStore::map).list();
    }

    void insertAll(List<ProductView> products) {
        if (!products.isEmpty()) {
            TypedParameters.batchUpdate(batch, INSERT, products.stream().map(this::values).toList());
        }
    }

    void updateAll(List<ProductView> products) {
        if (!products.isEmpty()) {
            TypedParameters.batchUpdate(batch, UPDATE, products.stream().map(this::values).toList());
        }
    }

    boolean delete(String id) {
        return jdbc.sql("delete from sf_product where id = ?").param(id).update() > 0;
    }

    /** A product's columns; its times with their milliseconds, which MariaDB keeps only from a local date-time. */
    private Object[] values(ProductView p) {
        return new Object[] {p.sku(), p.name(), p.categoryPath(), p.price(), p.currency(), p.url(), p.imageUrl(),
                p.inStock(), timestamps.of(p.createdAt()), timestamps.of(p.updatedAt()), p.id()};
    }

    private static ProductView map(ResultSet rs, int row) throws SQLException {
        return new ProductView(rs.getString("id"), rs.getString("sku"), rs.getString("name"),
                rs.getString("category_path"), rs.getBigDecimal("price").setScale(2), rs.getString("currency"),
                rs.getString("url"), rs.getString("image_url"), rs.getBoolean("in_stock"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
