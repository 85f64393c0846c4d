package io.stageflow.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.experiments.ExperimentAssignments.Assignment;
import io.stageflow.experiments.ExperimentAssignments.Basis;
import io.stageflow.experiments.ExperimentAssignments.Split;
import io.stageflow.experiments.ExperimentAssignments.Variant;

import org.junit.jupiter.api.Test;

/**
 * The assignment by bucket, which needs nothing but the experiment key and the customer id: the bucket is the
 * SHA-256 definition, the same input always gives the same path, the holdout takes the first buckets and the variants
 * the rest in declared order by weight, and at 10,000 customers each path's share is its expected share within four
 * binomial standard deviations.
 */
class ExperimentAssignmentsTest {

    private static final Split FIFTY_THIRTY_TWENTY = new Split("welcome-subject",
            List.of(new Variant("Control", 50), new Variant("Short", 30), new Variant("Emoji", 20)), "Holdout", 10);

    @Test
    void theBucketIsTheFirstEightBytesOfTheSha256OfKeyColonCustomerModuloTenThousand() throws Exception {
        for (String customer : List.of("c-1", "customer-42", "ada@example.com", "ünïcode-7")) {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("welcome-subject:" + customer).getBytes(StandardCharsets.UTF_8));
            int expected = new BigInteger(1, Arrays.copyOf(digest, 8)).mod(BigInteger.valueOf(10_000)).intValue();
            assertThat(ExperimentAssignments.bucket("welcome-subject", customer)).as(customer).isEqualTo(expected);
        }
    }

    @Test
    void theSameKeyAndCustomerAlwaysGiveTheSameBucketAndPathAndAnotherKeyShufflesAgain() {
        int differentBuckets = 0;
        for (int i = 0; i < 1_000; i++) {
            String customer = "customer-" + i;
            Assignment first = ExperimentAssignments.assign(FIFTY_THIRTY_TWENTY, customer);
            Assignment again = ExperimentAssignments.assign(new Split("welcome-subject",
                    List.of(new Variant("Control", 50), new Variant("Short", 30), new Variant("Emoji", 20)),
                    "Holdout", 10), customer);
            assertThat(again).isEqualTo(first);
            assertThat(first.basis()).isEqualTo(Basis.BUCKET);
            assertThat(first.bucket()).isBetween(0, 9_999);
            if (ExperimentAssignments.bucket("another-test", customer) != first.bucket()) {
                differentBuckets++;
            }
        }
        assertThat(differentBuckets).as("the key is part of the hash").isGreaterThan(990);
    }

    @Test
    void theHoldoutTakesTheFirstBucketsAndTheVariantsTheRestInDeclaredOrderByWeight() {
        // 10% holdout: buckets 0-999. The other 9,000 buckets: Control 50% (1000-5499), Short 30% (5500-8199),
        // Emoji 20% (8200-9999).
        Map<Integer, String> expected = new LinkedHashMap<>();
        expected.put(0, "Holdout");
        expected.put(999, "Holdout");
        expected.put(1_000, "Control");
        expected.put(5_499, "Control");
        expected.put(5_500, "Short");
        expected.put(8_199, "Short");
        expected.put(8_200, "Emoji");
        expected.put(9_999, "Emoji");
        Map<Integer, String> found = new LinkedHashMap<>();
        for (int i = 0; found.size() < 10_000 && i < 2_000_000; i++) {
            String customer = "b-" + i;
            int bucket = ExperimentAssignments.bucket("welcome-subject", customer);
            if (expected.containsKey(bucket) && !found.containsKey(bucket)) {
                Assignment assignment = ExperimentAssignments.assign(FIFTY_THIRTY_TWENTY, customer);
                found.put(bucket, assignment.variant());
                assertThat(assignment.holdout()).isEqualTo(assignment.variant().equals("Holdout"));
            }
            if (found.size() == expected.size()) {
                break;
            }
        }
        assertThat(found).containsAllEntriesOf(expected);
    }

    @Test
    void atTenThousandCustomersTheSharesMatchTheWeightsWithinFourStandardDeviations() {
        int customers = 10_000;
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < customers; i++) {
            counts.merge(ExperimentAssignments.assign(FIFTY_THIRTY_TWENTY, "customer-" + i).variant(), 1, Integer::sum);
        }
        Map<String, Double> shares = Map.of("Holdout", 0.10, "Control", 0.90 * 0.50, "Short", 0.90 * 0.30,
                "Emoji", 0.90 * 0.20);
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(shares.keySet());
        shares.forEach((path, share) -> {
            double mean = customers * share;
            double sd = Math.sqrt(customers * share * (1 - share));
            assertThat((double) counts.get(path)).as("%s: %s of %s, expected %.0f ± 4 × %.1f", path,
                    counts.get(path), customers, mean, sd).isBetween(mean - 4 * sd, mean + 4 * sd);
        });

        Split evenNoHoldout = new Split("even", List.of(new Variant("A", 50), new Variant("B", 50)), null, 0);
        int a = 0;
        for (int i = 0; i < customers; i++) {
            Assignment assignment = ExperimentAssignments.assign(evenNoHoldout, "customer-" + i);
            assertThat(assignment.holdout()).isFalse();
            a += assignment.variant().equals("A") ? 1 : 0;
        }
        assertThat((double) a).isBetween(5_000 - 4 * 50.0, 5_000 + 4 * 50.0);
    }

    @Test
    void aSplitIsRefusedUnlessItsKeyWeightsNamesAndHoldoutAreValid() {
        List<Variant> two = List.of(new Variant("A", 60), new Variant("B", 40));
        assertThatThrownBy(() -> new Split("Welcome_Subject", two, null, 0)).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> new Split("k", List.of(new Variant("A", 100)), null, 0))
                .hasMessageContaining("1 variants; use 2 to 5");
        assertThatThrownBy(() -> new Split("k", List.of(new Variant("A", 20), new Variant("B", 20),
                new Variant("C", 20), new Variant("D", 20), new Variant("E", 10), new Variant("F", 10)), null, 0))
                .hasMessageContaining("6 variants; use 2 to 5");
        assertThatThrownBy(() -> new Split("k", List.of(new Variant("A", 60), new Variant("B", 30)), null, 0))
                .hasMessageContaining("sum to 90, not 100");
        assertThatThrownBy(() -> new Split("k", List.of(new Variant("A", 50), new Variant("a", 50)), null, 0))
                .hasMessageContaining("two variants 'a'");
        assertThatThrownBy(() -> new Split("k", two, "Holdout", 51)).hasMessageContaining("use 0 to 50");
        assertThatThrownBy(() -> new Split("k", two, "Holdout", 0)).hasMessageContaining("a name and a share");
        assertThatThrownBy(() -> new Split("k", two, "b", 10)).hasMessageContaining("a variant's name");
        assertThatThrownBy(() -> new Variant("A", 0)).hasMessageContaining("use 1 to 100");
        assertThat(new Split("k", two, "Holdout", 50).hasHoldout()).isTrue();
    }
}
