package io.stageflow.recommendations;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.orders.Orders;
import io.stageflow.products.ProductView;
import io.stageflow.products.Products;
import io.stageflow.recommendations.CoOccurrence.Scored;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.repeat.RepeatStatus;

/**
 * The recommendation job's one step, in one transaction: reads every customer's history a page at a time (in
 * customer order, {@link Orders#histories}), counts it ({@link CoOccurrence}), then writes the lists and the
 * best-sellers under a new generation and publishes it ({@link RecommendationStore}). Nothing is published when
 * it fails, and a restart counts again from the start: the counts live only in memory.
 */
final class RecommendationTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(RecommendationTasklet.class);
    /** Catalogue ids read per query. */
    private static final int CATALOGUE_BATCH = 1000;

    private final Orders orders;
    private final Products products;
    private final RecommendationStore store;
    private final RecommendationsProperties properties;
    private final Clock clock;

    RecommendationTasklet(Orders orders, Products products, RecommendationStore store,
            RecommendationsProperties properties, Clock clock) {
        this.orders = orders;
        this.products = products;
        this.store = store;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        long started = System.nanoTime();
        CoOccurrence counts = new CoOccurrence(properties.viewWeight(), properties.historyLimit());
        String after = null;
        while (true) {
            Orders.HistoryPage page = orders.histories(after, properties.pageLines());
            if (page.last() == null) {
                break;
            }
            for (Orders.History history : page.customers()) {
                counts.add(history);
                contribution.incrementReadCount();
            }
            after = page.last();
        }
        long counted = System.nanoTime();
        Map<String, List<Scored>> lists = counts.recommendations(properties.minSupport(), properties.topN());
        Map<String, String> categories = categories(counts.productIds());
        Map<String, List<Scored>> bestsellers = counts.bestsellers(categories::get, properties.topN());
        int generation = store.nextGeneration();
        int rows = store.writeRecommendations(generation, lists) + store.writeBestsellers(generation, bestsellers);
        store.publish(generation, clock.instant(), counts.customers(), counts.products(), counts.pairs());
        contribution.incrementWriteCount(rows);
        log.info("Recommendations generation {}: {} customers, {} products, {} pairs, {} products with a list,"
                        + " {} best-seller lists; counted in {} ms, scored and written in {} ms", generation,
                counts.customers(), counts.products(), counts.pairs(), lists.size(), bestsellers.size(),
                (counted - started) / 1_000_000, (System.nanoTime() - counted) / 1_000_000);
        return RepeatStatus.FINISHED;
    }

    /** The category path of each product the catalogue has ({@code ""} when it has none), by id. */
    private Map<String, String> categories(List<String> productIds) {
        Map<String, String> categories = new HashMap<>();
        for (int from = 0; from < productIds.size(); from += CATALOGUE_BATCH) {
            List<String> batch = new ArrayList<>(productIds.subList(from,
                    Math.min(productIds.size(), from + CATALOGUE_BATCH)));
            for (ProductView product : products.findAll(batch).values()) {
                categories.put(product.id(), product.categoryPath() == null ? "" : product.categoryPath());
            }
        }
        return categories;
    }
}
