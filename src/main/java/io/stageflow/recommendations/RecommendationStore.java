package io.stageflow.recommendations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.stageflow.recommendations.CoOccurrence.Scored;
import io.stageflow.support.DatabaseTimestamps;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code sf_recommendation_run}, {@code sf_recommendation} and {@code sf_bestseller}: a run writes its lists under a
 * new generation and publishes them by adding the generation's run row, in one transaction; readers read the latest
 * published generation. The two latest are kept, so a reader that learnt the previous one just before finds its
 * rows still there. Each method runs in the caller's transaction.
 */
@Repository
class RecommendationStore {

    /** Rows per insert statement: 5 parameters each, well within any driver's limit. */
    private static final int ROWS_PER_INSERT = 500;

    private final JdbcClient jdbc;
    private final DatabaseTimestamps timestamps;

    RecommendationStore(JdbcClient jdbc, DatabaseTimestamps timestamps) {
        this.jdbc = jdbc;
        this.timestamps = timestamps;
    }

    /** The generation the next run writes. */
    int nextGeneration() {
        return jdbc.sql("select coalesce(max(generation), 0) + 1 from sf_recommendation_run").query(Integer.class)
                .single();
    }

    /** The latest published generation, if any run finished. */
    OptionalInt latestGeneration() {
        Integer latest = jdbc.sql("select max(generation) from sf_recommendation_run").query(Integer.class)
                .optional().orElse(null);
        return latest == null ? OptionalInt.empty() : OptionalInt.of(latest);
    }

    /** Writes the lists of one generation (not yet published); the number of rows. */
    int writeRecommendations(int generation, Map<String, List<Scored>> lists) {
        List<Object[]> rows = new ArrayList<>();
        int written = 0;
        for (Map.Entry<String, List<Scored>> list : lists.entrySet()) {
            int place = 1;
            for (Scored scored : list.getValue()) {
                rows.add(new Object[] {generation, list.getKey(), place++, scored.productId(), scored.score()});
                if (rows.size() == ROWS_PER_INSERT) {
                    written += insert("sf_recommendation (generation, product_id, place, recommended_id, score)", rows);
                }
            }
        }
        return written + insert("sf_recommendation (generation, product_id, place, recommended_id, score)", rows);
    }

    /** Writes the best-sellers of one generation (not yet published); the number of rows. */
    int writeBestsellers(int generation, Map<String, List<Scored>> lists) {
        List<Object[]> rows = new ArrayList<>();
        int written = 0;
        for (Map.Entry<String, List<Scored>> list : lists.entrySet()) {
            int place = 1;
            for (Scored scored : list.getValue()) {
                rows.add(new Object[] {generation, list.getKey(), place++, scored.productId(), (long) scored.score()});
                if (rows.size() == ROWS_PER_INSERT) {
                    written += insert("sf_bestseller (generation, category, place, product_id, units)", rows);
                }
            }
        }
        return written + insert("sf_bestseller (generation, category, place, product_id, units)", rows);
    }

    /** Publishes the generation and deletes all but it and the one before. */
    void publish(int generation, Instant computedAt, long customers, int products, long pairs) {
        jdbc.sql("insert into sf_recommendation_run (generation, computed_at, customers, products, pairs)"
                        + " values (?, ?, ?, ?, ?)")
                .params(generation, timestamps.of(computedAt), customers, products, pairs).update();
        jdbc.sql("delete from sf_recommendation where generation < ?").param(generation - 1).update();
        jdbc.sql("delete from sf_bestseller where generation < ?").param(generation - 1).update();
        jdbc.sql("delete from sf_recommendation_run where generation < ?").param(generation - 1).update();
    }

    /** The stored lists of these products in a generation, best first, by product id (only those with one). */
    Map<String, List<Scored>> recommendationsOf(int generation, Collection<String> productIds) {
        if (productIds.isEmpty()) {
            return Map.of();
        }
        Map<String, List<Scored>> lists = new HashMap<>();
        jdbc.sql("select product_id, recommended_id, score from sf_recommendation"
                        + " where generation = :generation and product_id in (:products) order by product_id, place")
                .param("generation", generation).param("products", productIds)
                .query(rs -> {
                    lists.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                            .add(new Scored(rs.getString(2), rs.getDouble(3)));
                });
        return lists;
    }

    /** All the best-seller lists of a generation, best first, by category ({@code ""}: overall). */
    Map<String, List<Scored>> bestsellers(int generation) {
        Map<String, List<Scored>> lists = new HashMap<>();
        jdbc.sql("select category, product_id, units from sf_bestseller where generation = ? order by category, place")
                .param(generation)
                .query(rs -> {
                    lists.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                            .add(new Scored(rs.getString(2), rs.getLong(3)));
                });
        return lists;
    }

    private int insert(String into, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        int count = rows.size();
        jdbc.sql("insert into " + into + " values " + String.join(",", Collections.nCopies(count, "(?, ?, ?, ?, ?)")))
                .params(rows.stream().flatMap(Arrays::stream).toList()).update();
        rows.clear();
        return count;
    }
}
