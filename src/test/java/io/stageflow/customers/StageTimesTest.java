package io.stageflow.customers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The time-in-stage ranges and slices tile the seconds exactly: every time falls in the one slice whose bounds hold it. */
class StageTimesTest {

    @Test
    void rangesDoubleFromAMinute() {
        assertThat(StageTimes.range(0)).isZero();
        assertThat(StageTimes.range(59)).isZero();
        assertThat(StageTimes.range(60)).isEqualTo(1);
        assertThat(StageTimes.range(119)).isEqualTo(1);
        assertThat(StageTimes.range(120)).isEqualTo(2);
        assertThat(StageTimes.range(86_400)).isEqualTo(11); // 61,440 ≤ a day < 122,880
        assertThat(StageTimes.range(-5)).isZero();
        assertThat(StageTimes.range(Long.MAX_VALUE)).isEqualTo(StageTimes.RANGES - 1).isEqualTo(33);
    }

    @Test
    void slicesAreContiguousAndHoldTheirSeconds() {
        long expectedStart = 0;
        for (int range = 0; range < StageTimes.RANGES; range++) {
            for (int slice = 0; slice < StageTimes.SLICES; slice++) {
                assertThat(StageTimes.sliceStart(range, slice)).as("start of %d/%d", range, slice)
                        .isEqualTo(expectedStart);
                long end = StageTimes.sliceEnd(range, slice);
                assertThat(end).as("end of %d/%d", range, slice).isGreaterThan(expectedStart);
                if (end != Long.MAX_VALUE) {
                    assertThat(StageTimes.range(end - 1)).isEqualTo(range);
                    assertThat(StageTimes.slice(end - 1)).isEqualTo(slice);
                }
                assertThat(StageTimes.range(expectedStart)).isEqualTo(range);
                assertThat(StageTimes.slice(expectedStart)).isEqualTo(slice);
                expectedStart = end;
            }
        }
        assertThat(expectedStart).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void everyTimeIsWithinItsSlice() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long seconds = i < 1_000 ? i : (long) Math.exp(random.nextDouble() * 30);
            int range = StageTimes.range(seconds);
            int slice = StageTimes.slice(seconds);
            assertThat(seconds).isGreaterThanOrEqualTo(StageTimes.sliceStart(range, slice))
                    .isLessThan(StageTimes.sliceEnd(range, slice));
        }
    }
}
