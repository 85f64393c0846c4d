package io.stageflow.recommendations;

import java.time.Duration;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The recommendation job and {@code $recommendations} ({@code stageflow.recommendations.*},
 * docs/recommendations.md).
 *
 * @param schedule      when the job runs: a Spring cron expression in {@code zone}; {@code -} turns the schedule off
 * @param zone          the time zone of {@code schedule}
 * @param minSupport    how many customers (views counting {@code view-weight} each) must have two products together
 *                      before one is recommended beside the other
 * @param topN          how many products are stored per product, and best-sellers per category (at most 20 are shown)
 * @param viewWeight    what a product only viewed counts for, against 1 for a product bought
 * @param historyLimit  the latest distinct products of each customer the job pairs (bounds the pairs per customer)
 * @param pageLines     order lines (and product views) the job reads per query
 * @param staleAfter    a running job that has committed nothing for this long counts as abandoned by its node
 * @param cachedLists   the stored lists (one per product) each node keeps in memory for {@code $recommendations}
 * @param cachedProducts the catalogue rows each node keeps in memory for {@code $recommendations}
 * @param cachedProductsFor how long a kept catalogue row is used; a product changed on another node may be shown
 *                      with its old stock or price for this long (one changed on this node is read again at once)
 */
@Validated
@ConfigurationProperties("stageflow.recommendations")
record RecommendationsProperties(
        @DefaultValue("0 30 2 * * *") @NotBlank String schedule,
        @DefaultValue("UTC") @NotBlank String zone,
        @DefaultValue("2") @DecimalMin("0.0") double minSupport,
        @DefaultValue("20") @Min(1) @Max(100) int topN,
        @DefaultValue("0.25") @DecimalMin("0.0") @DecimalMax("1.0") double viewWeight,
        @DefaultValue("50") @Min(2) @Max(500) int historyLimit,
        @DefaultValue("50000") @Positive int pageLines,
        @DefaultValue("PT30M") @NotNull Duration staleAfter,
        @DefaultValue("20000") @Positive int cachedLists,
        @DefaultValue("50000") @Positive int cachedProducts,
        @DefaultValue("PT1M") @NotNull Duration cachedProductsFor) {
}
