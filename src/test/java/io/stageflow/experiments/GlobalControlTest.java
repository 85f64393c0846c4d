package io.stageflow.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * The global control group: its share of customers within a binomial tolerance, each customer always on the same side,
 * a larger share keeping every member of a smaller one, and no group at all by default.
 */
class GlobalControlTest {

    @Test
    void aTenthOfTenThousandCustomersWithinFourStandardDeviationsAndAlwaysTheSame() {
        GlobalControl group = new GlobalControl(ExperimentSettings.with(Map.of("global-control-share", "10")));
        long members = IntStream.range(0, 10_000).filter(i -> group.isMember("customer-" + i)).count();
        double sd = Math.sqrt(10_000 * 0.1 * 0.9);
        assertThat((double) members).isBetween(1_000 - 4 * sd, 1_000 + 4 * sd);
        assertThat(IntStream.range(0, 1_000).allMatch(i -> group.isMember("customer-" + i)
                == new GlobalControl(ExperimentSettings.with(Map.of("global-control-share", "10")))
                        .isMember("customer-" + i))).isTrue();
        assertThat(group.holdsBack("customer-1")).isEqualTo(group.isMember("customer-1"));
        assertThat(group.reason()).contains("global control group", "10%");
    }

    @Test
    void aLargerShareKeepsEveryMemberOfASmallerOne() {
        GlobalControl five = new GlobalControl(ExperimentSettings.with(Map.of("global-control-share", "5")));
        GlobalControl ten = new GlobalControl(ExperimentSettings.with(Map.of("global-control-share", "10")));
        assertThat(IntStream.range(0, 10_000).mapToObj(i -> "customer-" + i).filter(five::isMember)
                .allMatch(ten::isMember)).isTrue();
    }

    @Test
    void byDefaultThereIsNoGroup() {
        GlobalControl none = new GlobalControl(ExperimentSettings.defaults());
        assertThat(none.enabled()).isFalse();
        assertThat(IntStream.range(0, 10_000).noneMatch(i -> none.isMember("customer-" + i))).isTrue();
    }
}
