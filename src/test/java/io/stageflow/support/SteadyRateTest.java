package io.stageflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import org.junit.jupiter.api.Test;

class SteadyRateTest {

    @Test
    void aLimitStartsEmptyAndHoldsATenthOfASecondsWorth() {
        Bandwidth fast = SteadyRate.limit(55, Duration.ofSeconds(1));
        assertThat(fast.getInitialTokens()).isZero();
        assertThat(fast.getCapacity()).isEqualTo(5);
        assertThat(fast.getRefillTokens()).isEqualTo(55);
        assertThat(fast.getRefillPeriodNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(fast.isRefillIntervally()).as("refilled steadily, not all at once each period").isFalse();
    }

    @Test
    void aRateBelowOneASecondIsKeptExactlyWithRoomForOne() {
        Bandwidth slow = SteadyRate.limit(3, Duration.ofSeconds(4));
        assertThat(slow.getCapacity()).isEqualTo(1);
        assertThat(slow.getRefillTokens()).isEqualTo(3);
        assertThat(slow.getRefillPeriodNanos()).isEqualTo(Duration.ofSeconds(4).toNanos());
        assertThat(slow.getInitialTokens()).isZero();
    }
}
