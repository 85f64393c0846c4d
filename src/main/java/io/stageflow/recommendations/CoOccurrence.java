package io.stageflow.recommendations;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.stageflow.orders.Orders;

/**
 * The counting behind the recommendation job, customer by customer, in memory bounded by the number of products
 * and pairs rather than customers or lines: product ids are interned to ints; each customer's latest
 * {@code historyLimit} distinct products (bought first, then viewed) are paired, each pair adding the smaller of the
 * two products' weights (1 bought, {@code viewWeight} only viewed) to a primitive {@link PairCounts}; each product's
 * own weight and units bought are kept in arrays. The score of a pair is the cosine of co-occurrence,
 * {@code together / sqrt(weight(a) * weight(b))}; pairs found together less than {@code minSupport} are left out.
 * Ties go to the smaller product id, so the same data always give the same lists.
 */
final class CoOccurrence {

    private final double viewWeight;
    private final int historyLimit;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final PairCounts pairs = new PairCounts(1 << 16);
    private double[] weights = new double[1024];
    private long[] units = new long[1024];
    private final int[] picked;
    private final double[] pickedWeights;
    private long customers;

    CoOccurrence(double viewWeight, int historyLimit) {
        this.viewWeight = viewWeight;
        this.historyLimit = historyLimit;
        this.picked = new int[historyLimit];
        this.pickedWeights = new double[historyLimit];
    }

    /** Counts one customer's history. */
    void add(Orders.History history) {
        customers++;
        int n = 0;
        for (Orders.Bought bought : history.bought()) {
            int id = intern(bought.productId());
            units[id] += Math.max(0, bought.quantity());
            if (n < historyLimit && indexOf(id, n) < 0) {
                picked[n] = id;
                pickedWeights[n++] = 1.0;
            }
        }
        if (viewWeight > 0) {
            for (String viewed : history.viewed()) {
                if (n >= historyLimit) {
                    break;
                }
                int id = intern(viewed);
                if (indexOf(id, n) < 0) {
                    picked[n] = id;
                    pickedWeights[n++] = viewWeight;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            weights[picked[i]] += pickedWeights[i];
            for (int j = i + 1; j < n; j++) {
                pairs.add(picked[i], picked[j], Math.min(pickedWeights[i], pickedWeights[j]));
            }
        }
    }

    long customers() {
        return customers;
    }

    int products() {
        return names.size();
    }

    long pairs() {
        return pairs.size();
    }

    /** Every product seen, by its int. */
    List<String> productIds() {
        return names;
    }

    /**
     * The top {@code topN} products to recommend beside each product, best first, for every product that has one
     * found with it at least {@code minSupport} times.
     */
    Map<String, List<Scored>> recommendations(double minSupport, int topN) {
        int products = names.size();
        int[][] topIds = new int[products][];
        double[][] topScores = new double[products][];
        int[] counts = new int[products];
        pairs.forEach((a, b, together) -> {
            if (together < minSupport || together <= 0) {
                return;
            }
            double score = together / Math.sqrt(weights[a] * weights[b]);
            offer(a, b, score, topIds, topScores, counts, topN);
            offer(b, a, score, topIds, topScores, counts, topN);
        });
        Map<String, List<Scored>> lists = new LinkedHashMap<>();
        for (int product = 0; product < products; product++) {
            if (counts[product] == 0) {
                continue;
            }
            List<Scored> list = new ArrayList<>(counts[product]);
            for (int i = 0; i < counts[product]; i++) {
                list.add(new Scored(names.get(topIds[product][i]), topScores[product][i]));
            }
            list.sort(Scored.BEST_FIRST);
            lists.put(names.get(product), list);
        }
        return lists;
    }

    /**
     * The top {@code topN} products by units bought, for every category path of the catalogue and each of its
     * prefixes ({@code Shoes}, {@code Shoes > Running}), and overall (the category {@code ""}); only products the
     * catalogue has ({@code categoryOf} answers null for the others; an empty text for a product without a
     * category) and that were bought.
     */
    Map<String, List<Scored>> bestsellers(Function<String, String> categoryOf, int topN) {
        Map<String, List<Scored>> byCategory = new HashMap<>();
        for (int product = 0; product < names.size(); product++) {
            if (units[product] <= 0) {
                continue;
            }
            String category = categoryOf.apply(names.get(product));
            if (category == null) {
                continue;
            }
            Scored sold = new Scored(names.get(product), units[product]);
            byCategory.computeIfAbsent("", c -> new ArrayList<>()).add(sold);
            for (String prefix : prefixes(category)) {
                byCategory.computeIfAbsent(prefix, c -> new ArrayList<>()).add(sold);
            }
        }
        Map<String, List<Scored>> top = new LinkedHashMap<>();
        byCategory.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            List<Scored> list = entry.getValue();
            list.sort(Scored.BEST_FIRST);
            top.put(entry.getKey(), List.copyOf(list.subList(0, Math.min(topN, list.size()))));
        });
        return top;
    }

    /** {@code A > B > C}: {@code A}, {@code A > B}, {@code A > B > C}; none for an empty path. */
    static List<String> prefixes(String categoryPath) {
        List<String> prefixes = new ArrayList<>();
        if (categoryPath == null || categoryPath.isBlank()) {
            return prefixes;
        }
        int at = categoryPath.indexOf(" > ");
        while (at >= 0) {
            prefixes.add(categoryPath.substring(0, at));
            at = categoryPath.indexOf(" > ", at + 3);
        }
        prefixes.add(categoryPath);
        return prefixes;
    }

    private void offer(int product, int candidate, double score, int[][] topIds, double[][] topScores, int[] counts,
            int topN) {
        if (topIds[product] == null) {
            topIds[product] = new int[topN];
            topScores[product] = new double[topN];
        }
        int[] ids = topIds[product];
        double[] scores = topScores[product];
        int count = counts[product];
        if (count < topN) {
            ids[count] = candidate;
            scores[count] = score;
            counts[product] = count + 1;
            return;
        }
        int worst = 0;
        for (int i = 1; i < count; i++) {
            if (better(scores[worst], ids[worst], scores[i], ids[i])) {
                worst = i;
            }
        }
        if (better(score, candidate, scores[worst], ids[worst])) {
            ids[worst] = candidate;
            scores[worst] = score;
        }
    }

    private boolean better(double score, int id, double otherScore, int otherId) {
        return score > otherScore || (score == otherScore && names.get(id).compareTo(names.get(otherId)) < 0);
    }

    private int indexOf(int id, int n) {
        for (int i = 0; i < n; i++) {
            if (picked[i] == id) {
                return i;
            }
        }
        return -1;
    }

    private int intern(String productId) {
        Integer id = ids.get(productId);
        if (id != null) {
            return id;
        }
        int next = names.size();
        ids.put(productId, next);
        names.add(productId);
        if (next == weights.length) {
            weights = Arrays.copyOf(weights, next * 2);
            units = Arrays.copyOf(units, next * 2);
        }
        return next;
    }

    /** A product and its score (or units, for best-sellers). */
    record Scored(String productId, double score) {

        static final Comparator<Scored> BEST_FIRST = Comparator.comparingDouble(Scored::score).reversed()
                .thenComparing(Scored::productId);
    }
}
