package io.stageflow.recommendations;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.stageflow.products.ProductView;
import io.stageflow.recommendations.CoOccurrence.Scored;
import io.stageflow.support.Money;
import io.stageflow.support.WebUrls;

/**
 * {@code $recommendations} in templates, for one customer: {@code forCustomer(4)} and {@code forProduct(id, 4)}
 * return up to that many products (1 to 20) as maps with {@code id}, {@code name}, {@code price} (written in the
 * customer's locale), {@code currency}, {@code url}, {@code imageUrl} and {@code category}, texts never null. Only
 * products the catalogue has in stock are shown. {@code forCustomer} adds up the stored lists of what the customer
 * bought (latest first), leaves out what they bought, then fills up with the best-sellers of their category (that
 * of the latest thing they bought, then its parents) and overall. Nothing is computed from orders here: the lists
 * are the recommendation job's. Public because Velocity only calls public methods of public classes.
 */
public final class Recommendations {

    /** The most products one call returns. */
    public static final int MAX = 20;

    private final List<String> bought;
    private final Shelf shelf;
    private final Locale locale;
    private final int historyLimit;
    private final Map<Integer, List<Map<String, Object>>> forCustomer = new HashMap<>();
    private List<String> ranked;

    Recommendations(List<String> bought, Shelf shelf, Locale locale, int historyLimit) {
        this.bought = bought;
        this.shelf = shelf;
        this.locale = locale;
        this.historyLimit = historyLimit;
    }

    /** Up to {@code n} products for this customer, best first. */
    public synchronized List<Map<String, Object>> forCustomer(int n) {
        return forCustomer.computeIfAbsent(clamp(n), this::computeForCustomer);
    }

    /** Up to {@code n} products to show beside the product {@code id}, best first (never the product itself). */
    public List<Map<String, Object>> forProduct(String id, int n) {
        if (id == null || id.isBlank()) {
            return List.of();
        }
        int wanted = clamp(n);
        Set<String> leaveOut = Set.of(id);
        List<Map<String, Object>> picked = new ArrayList<>();
        Set<String> chosen = new HashSet<>();
        for (Scored scored : shelf.listOf(id)) {
            if (add(scored.productId(), leaveOut, chosen, picked, wanted)) {
                return List.copyOf(picked);
            }
        }
        fillWithBestsellers(shelf.product(id).map(product -> product.row().categoryPath()).orElse(null), leaveOut,
                chosen, picked, wanted);
        return List.copyOf(picked);
    }

    /**
     * The products the stored lists of what the customer bought suggest, best first (their scores added up), leaving
     * out what they bought; in stock or not.
     */
    synchronized List<String> ranked() {
        if (ranked == null) {
            List<String> counted = bought.subList(0, Math.min(bought.size(), historyLimit));
            Set<String> leaveOut = new HashSet<>(bought);
            Map<String, Candidate> scores = new HashMap<>(counted.size() * 2 * Recommendations.MAX);
            for (String product : counted) {
                for (Scored scored : shelf.listOf(product)) {
                    String id = scored.productId();
                    if (!leaveOut.contains(id)) {
                        Candidate candidate = scores.get(id);
                        if (candidate == null) {
                            scores.put(id, new Candidate(id, scored.score()));
                        } else {
                            candidate.score += scored.score();
                        }
                    }
                }
            }
            Candidate[] candidates = scores.values().toArray(new Candidate[0]);
            Arrays.sort(candidates, Candidate.BEST_FIRST);
            String[] ids = new String[candidates.length];
            for (int i = 0; i < candidates.length; i++) {
                ids[i] = candidates[i].id;
            }
            ranked = List.of(ids);
        }
        return ranked;
    }

    private List<Map<String, Object>> computeForCustomer(int wanted) {
        Set<String> leaveOut = new HashSet<>(bought);
        List<Map<String, Object>> picked = new ArrayList<>();
        Set<String> chosen = new HashSet<>();
        for (String candidate : ranked()) {
            if (add(candidate, leaveOut, chosen, picked, wanted)) {
                return List.copyOf(picked);
            }
        }
        fillWithBestsellers(category(), leaveOut, chosen, picked, wanted);
        return List.copyOf(picked);
    }

    /** The category of the latest product the customer bought that the catalogue has with one; null for none. */
    String category() {
        for (String product : bought) {
            Optional<String> category = shelf.product(product).map(each -> each.row().categoryPath())
                    .filter(path -> path != null && !path.isBlank());
            if (category.isPresent()) {
                return category.get();
            }
        }
        return null;
    }

    /** The best-sellers of the category, then of each parent, then overall, until {@code wanted} are picked. */
    private void fillWithBestsellers(String category, Set<String> leaveOut, Set<String> chosen,
            List<Map<String, Object>> picked, int wanted) {
        List<String> categories = new ArrayList<>(CoOccurrence.prefixes(category));
        categories.sort(Comparator.comparingInt(String::length).reversed());
        categories.add("");
        for (String each : categories) {
            for (Scored scored : shelf.bestsellers(each)) {
                if (picked.size() >= wanted || add(scored.productId(), leaveOut, chosen, picked, wanted)) {
                    return;
                }
            }
        }
    }

    /** Adds the product when it may be shown; true once {@code wanted} are picked. */
    private boolean add(String productId, Set<String> leaveOut, Set<String> chosen, List<Map<String, Object>> picked,
            int wanted) {
        if (leaveOut.contains(productId) || chosen.contains(productId)) {
            return picked.size() >= wanted;
        }
        Optional<ShelfProduct> product = shelf.product(productId);
        if (product.isPresent() && product.get().row().inStock()) {
            chosen.add(productId);
            picked.add(product.get().shownIn(locale));
        }
        return picked.size() >= wanted;
    }

    static Map<String, Object> shown(ProductView product, Locale locale) {
        return Map.of("id", product.id(), "name", product.name(),
                "price", Money.format(product.price(), product.currency(), locale),
                "currency", Objects.requireNonNullElse(product.currency(), ""),
                "url", webUrl(product.url()), "imageUrl", webUrl(product.imageUrl()),
                "category", Objects.requireNonNullElse(product.categoryPath(), ""));
    }

    private static String webUrl(String url) {
        return url != null && WebUrls.isWebUrl(url.strip()) ? url.strip() : "";
    }

    /** A product the customer's lists suggest, and its score added up over them. */
    private static final class Candidate {

        /** Highest score first; equal scores by id, so the order never depends on the order of reading. */
        static final Comparator<Candidate> BEST_FIRST = (a, b) -> {
            int byScore = Double.compare(b.score, a.score);
            return byScore != 0 ? byScore : a.id.compareTo(b.id);
        };

        final String id;
        double score;

        Candidate(String id, double score) {
            this.id = id;
            this.score = score;
        }
    }

    static int clamp(int n) {
        return Math.max(1, Math.min(MAX, n));
    }
}
