package io.stageflow.recommendations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.stageflow.orders.Orders;
import io.stageflow.recommendations.CoOccurrence.Scored;

import org.junit.jupiter.api.Test;

/**
 * The counting and scoring of the recommendation job on small hand-made histories whose cosines are worked out by
 * hand: support, view weight, the history limit, ties, and best-sellers per category prefix.
 */
class CoOccurrenceTest {

    @Test
    void scoresPairsByCosineAndLeavesOutPairsBelowTheMinimumSupport() {
        CoOccurrence counts = new CoOccurrence(0.25, 50);
        counts.add(history("c1", List.of("a", "b"), List.of()));
        counts.add(history("c2", List.of("a", "b", "c"), List.of()));
        counts.add(history("c3", List.of("a"), List.of()));
        counts.add(history("c4", List.of("c", "d"), List.of()));

        Map<String, List<Scored>> lists = counts.recommendations(2, 20);

        // a: 3 customers, b: 2, together 2 -> 2 / sqrt(3 * 2); a-c, b-c, c-d only once: below the support of 2.
        assertThat(lists).containsOnlyKeys("a", "b");
        assertThat(lists.get("a")).singleElement().satisfies(s -> {
            assertThat(s.productId()).isEqualTo("b");
            assertThat(s.score()).isCloseTo(2 / Math.sqrt(6), within(1e-9));
        });
        assertThat(lists.get("b")).extracting(Scored::productId).containsExactly("a");
        assertThat(counts.customers()).isEqualTo(4);
        assertThat(counts.products()).isEqualTo(4);
        assertThat(counts.pairs()).as("a-b, a-c, b-c, c-d").isEqualTo(4);
    }

    @Test
    void aViewCountsItsWeightAndABoughtProductIsNotCountedAgainForAView() {
        CoOccurrence counts = new CoOccurrence(0.25, 50);
        counts.add(history("c1", List.of("a"), List.of("b", "a")));
        counts.add(history("c2", List.of("a", "b"), List.of()));

        Map<String, List<Scored>> lists = counts.recommendations(0, 20);

        // a: 1 + 1 = 2; b: 0.25 + 1; together: min(1, 0.25) + 1 = 1.25.
        assertThat(lists.get("a").get(0).score()).isCloseTo(1.25 / Math.sqrt(2 * 1.25), within(1e-9));
    }

    @Test
    void onlyTheLatestProductsOfALongHistoryArePairedButEveryUnitCountsAsSold() {
        CoOccurrence counts = new CoOccurrence(0.25, 2);
        counts.add(history("c1", List.of("new", "newer", "old"), List.of("seen")));

        assertThat(counts.pairs()).isEqualTo(1);
        assertThat(counts.recommendations(0, 20)).containsOnlyKeys("new", "newer");
        assertThat(counts.bestsellers(id -> "", 20).get("")).extracting(Scored::productId)
                .containsExactly("new", "newer", "old");
    }

    @Test
    void keepsTheTopNBestFirstWithTiesToTheSmallerId() {
        CoOccurrence counts = new CoOccurrence(0.25, 50);
        List<String> all = new ArrayList<>(List.of("hub"));
        for (int i = 0; i < 10; i++) {
            all.add("p" + i);
        }
        counts.add(history("c1", all, List.of()));
        counts.add(history("c2", List.of("hub", "p7"), List.of()));

        List<Scored> top = counts.recommendations(0, 3).get("hub");

        assertThat(top).extracting(Scored::productId).containsExactly("p7", "p0", "p1");
    }

    @Test
    void bestsellersArePerCategoryAndEachPrefixAndOverallOfCatalogueProductsOnly() {
        CoOccurrence counts = new CoOccurrence(0.25, 50);
        counts.add(new Orders.History("c1", List.of(new Orders.Bought("run", 3), new Orders.Bought("trail", 1),
                new Orders.Bought("sock", 2), new Orders.Bought("gone", 9)), List.of()));
        Map<String, String> categories = Map.of("run", "Shoes > Running", "trail", "Shoes > Trail", "sock", "");

        Map<String, List<Scored>> top = counts.bestsellers(categories::get, 20);

        assertThat(top).containsOnlyKeys("", "Shoes", "Shoes > Running", "Shoes > Trail");
        assertThat(top.get("")).extracting(Scored::productId).containsExactly("run", "sock", "trail");
        assertThat(top.get("Shoes")).extracting(Scored::productId).containsExactly("run", "trail");
        assertThat(top.get("Shoes").get(0).score()).isEqualTo(3);
        assertThat(CoOccurrence.prefixes("A > B > C")).containsExactly("A", "A > B", "A > B > C");
    }

    private static Orders.History history(String customer, List<String> bought, List<String> viewed) {
        return new Orders.History(customer, bought.stream().map(id -> new Orders.Bought(id, 1)).toList(), viewed);
    }
}
