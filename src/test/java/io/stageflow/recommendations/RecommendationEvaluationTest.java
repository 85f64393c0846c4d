package io.stageflow.recommendations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.customers.Customer;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The honest evaluation of docs/recommendations.md, on a generated shop with a known structure: 120 products in 8
 * latent styles of 15; the catalogue's categories are product types (4) that cut across the styles, so a category
 * says nothing of a customer's style. 1,500 customers each keep to one style (styles are picked with a Zipf skew),
 * placing 3 to 6 one-product orders, 85% within their style (Zipf-skewed popularity within it) and 15% anywhere
 * (Zipf-skewed over all products), and view 2 products of their style. Each customer's last order is held out; the
 * real job runs on the rest; a hit is the held-out product among the 4 products of {@code forCustomer(4)}. The
 * baselines are what a shop shows without the model: the 4 best-sellers overall, and the 4 best-sellers of the
 * category of the customer's latest purchase, each leaving out what the customer bought. Customers whose held-out
 * product they had bought before are left out (no method may show it). Seeded: the figures are the same every run.
 */
class RecommendationEvaluationTest extends IntegrationTest {

    private static final long SEED = 20261206L;
    private static final int STYLES = 8;
    private static final int PER_STYLE = 15;
    private static final int TYPES = 4;
    private static final int CUSTOMERS = 1500;

    @Autowired
    RecommendationTemplateExtras extras;

    private ShopData shop;

    @AfterEach
    void removeTheShop() {
        if (shop != null) {
            shop.removeStored();
        }
    }

    @Test
    void theCoOccurrenceModelBeatsTheBestsellerBaselinesAtHitRateFour() {
        String p = "ev" + Long.toString(System.nanoTime(), 36);
        String root = p + " Eval";
        Random random = new Random(SEED);
        shop = new ShopData(jdbc);
        int products = STYLES * PER_STYLE;
        for (int i = 0; i < products; i++) {
            shop.product(product(p, i), "Product " + i, root + " > Type " + (i % TYPES), "10.00", true);
        }
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(400, ChronoUnit.DAYS);
        Map<String, Integer> heldOut = new LinkedHashMap<>();
        Map<String, Set<String>> training = new LinkedHashMap<>();
        Map<String, String> latestTrained = new LinkedHashMap<>();
        double[] styleWeights = zipf(STYLES);
        double[] withinWeights = zipf(PER_STYLE);
        double[] anyWeights = zipf(products);
        int[] anyOrder = shuffled(products, random); // global popularity is not the same order as within styles
        for (int c = 0; c < CUSTOMERS; c++) {
            String customer = p + "-c" + c;
            int style = pick(styleWeights, random);
            int orders = 3 + random.nextInt(4);
            List<Integer> bought = new ArrayList<>();
            for (int o = 0; o < orders; o++) {
                bought.add(random.nextDouble() < 0.85 ? style * PER_STYLE + pick(withinWeights, random)
                        : anyOrder[pick(anyWeights, random)]);
            }
            for (int o = 0; o < orders - 1; o++) {
                shop.order(customer, customer + "-o" + o, start.plus(o, ChronoUnit.DAYS), product(p, bought.get(o)));
            }
            for (int v = 0; v < 2; v++) {
                shop.view(customer, product(p, style * PER_STYLE + random.nextInt(PER_STYLE)),
                        start.plus(v, ChronoUnit.DAYS));
            }
            Set<String> trained = new HashSet<>();
            bought.subList(0, orders - 1).forEach(i -> trained.add(product(p, i)));
            int last = bought.get(orders - 1);
            if (!trained.contains(product(p, last))) {
                heldOut.put(customer, last);
                training.put(customer, trained);
                latestTrained.put(customer, product(p, bought.get(orders - 2)));
            }
        }
        shop.store();

        run();

        int generation = jdbc.sql("select max(generation) from sf_recommendation_run").query(Integer.class).single();
        List<String> overall = bestsellers(generation, root);
        Map<String, List<String>> byType = new LinkedHashMap<>();
        for (int t = 0; t < TYPES; t++) {
            byType.put(root + " > Type " + t, bestsellers(generation, root + " > Type " + t));
        }
        int modelHits = 0;
        int overallHits = 0;
        int categoryHits = 0;
        List<String> customers = new ArrayList<>(heldOut.keySet());
        for (int from = 0; from < customers.size(); from += 500) {
            Map<String, Customer> wave = new LinkedHashMap<>();
            for (String id : customers.subList(from, Math.min(customers.size(), from + 500))) {
                wave.put("eval-" + id, new Customer(id, id + "@example.com", null, "en", "UTC", Map.of(), null, null,
                        null));
            }
            Map<String, Map<String, Object>> entries = extras.forDeliveries(wave);
            for (Map.Entry<String, Customer> recipient : wave.entrySet()) {
                String id = recipient.getValue().id();
                String target = product(p, heldOut.get(id));
                Recommendations recommendations = (Recommendations) entries.get(recipient.getKey())
                        .get(RecommendationTemplateExtras.NAME);
                List<Map<String, Object>> picks = recommendations.forCustomer(4);
                assertThat(picks).hasSize(4);
                if (picks.stream().anyMatch(pick -> target.equals(pick.get("id")))) {
                    modelHits++;
                }
                if (top4(overall, training.get(id)).contains(target)) {
                    overallHits++;
                }
                String type = root + " > Type " + (index(latestTrained.get(id)) % TYPES);
                if (top4(byType.get(type), training.get(id)).contains(target)) {
                    categoryHits++;
                }
            }
        }
        int n = customers.size();
        System.out.printf("Recommendation evaluation (seed %d): %d customers evaluated of %d; hit rate at 4:"
                        + " co-occurrence %.3f (%d), best-sellers overall %.3f (%d), best-sellers of the category %.3f"
                        + " (%d)%n", SEED, n, CUSTOMERS, (double) modelHits / n, modelHits, (double) overallHits / n,
                overallHits, (double) categoryHits / n, categoryHits);
        assertThat(n).isGreaterThan(CUSTOMERS / 2);
        assertThat(modelHits).as("the model against the overall best-sellers").isGreaterThan(overallHits);
        assertThat(modelHits).as("the model against the category's best-sellers").isGreaterThan(categoryHits);
    }

    private static String product(String prefix, int i) {
        return prefix + "-p" + i;
    }

    private static int index(String productId) {
        return Integer.parseInt(productId.substring(productId.lastIndexOf("-p") + 2));
    }

    /** The first 4 of the best-sellers that the customer did not buy (all products are in stock). */
    private static List<String> top4(List<String> bestsellers, Set<String> bought) {
        return bestsellers.stream().filter(id -> !bought.contains(id)).limit(4).toList();
    }

    private static double[] zipf(int n) {
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            weights[i] = 1.0 / (i + 1);
        }
        return weights;
    }

    private static int pick(double[] weights, Random random) {
        double total = 0;
        for (double weight : weights) {
            total += weight;
        }
        double at = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            at -= weights[i];
            if (at < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static int[] shuffled(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private List<String> bestsellers(int generation, String category) {
        return jdbc.sql("select product_id from sf_bestseller where generation = ? and category = ? order by place")
                .params(generation, category).query(String.class).list();
    }

    private void run() {
        JsonNode started = client().post("/api/v1/jobs/recommendations").expectStatus(202).json();
        long id = started.path("id").asLong();
        await().atMost(PATIENCE).until(() -> Set.of("COMPLETED", "FAILED")
                .contains(client().get("/api/v1/jobs/" + id).expectStatus(200).json().path("status").asText()));
        assertThat(client().get("/api/v1/jobs/" + id).expectStatus(200).json().path("status").asText())
                .isEqualTo("COMPLETED");
    }
}
