package io.stageflow.customers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The time-in-stage ranges, slices and parts tile the seconds exactly: every time falls in the one slice and part whose
 * bounds hold it.
 */
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
    void slicesAndTheirPartsAreContiguousAndHoldTheirSeconds() {
        long expectedStart = 0;
        for (int range = 0; range < StageTimes.RANGES; range++) {
            for (int slice = 0; slice < StageTimes.SLICES; slice++) {
                assertThat(StageTimes.sliceStart(range, slice)).as("start of %d/%d", range, slice)
                        .isEqualTo(expectedStart);
                for (int part = 0; part < StageTimes.PARTS; part++) {
                    assertThat(StageTimes.partStart(range, slice, part)).as("start of %d/%d/%d", range, slice, part)
                            .isEqualTo(expectedStart);
                    long end = StageTimes.partEnd(range, slice, part);
                    // the first two ranges are a minute wide: some of their 64 parts hold no whole second
                    assertThat(end).as("end of %d/%d/%d", range, slice, part).isGreaterThanOrEqualTo(expectedStart);
                    if (end != Long.MAX_VALUE && end > expectedStart) {
                        assertThat(StageTimes.range(end - 1)).isEqualTo(range);
                        assertThat(StageTimes.slice(end - 1)).isEqualTo(slice);
                        assertThat(StageTimes.part(end - 1)).isEqualTo(part);
                    }
                    if (end > expectedStart) {
                        assertThat(StageTimes.range(expectedStart)).isEqualTo(range);
                        assertThat(StageTimes.slice(expectedStart)).isEqualTo(slice);
                        assertThat(StageTimes.part(expectedStart)).isEqualTo(part);
                    }
                    expectedStart = end;
                }
                assertThat(StageTimes.sliceEnd(range, slice)).as("end of %d/%d", range, slice)
                        .isEqualTo(expectedStart).isGreaterThan(StageTimes.sliceStart(range, slice));
            }
        }
        assertThat(expectedStart).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void everyTimeIsWithinItsSliceAndPart() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long seconds = i < 1_000 ? i : (long) Math.exp(random.nextDouble() * 30);
            int range = StageTimes.range(seconds);
            int slice = StageTimes.slice(seconds);
            int part = StageTimes.part(seconds);
            assertThat(seconds).isGreaterThanOrEqualTo(StageTimes.sliceStart(range, slice))
                    .isLessThan(StageTimes.sliceEnd(range, slice))
                    .isGreaterThanOrEqualTo(StageTimes.partStart(range, slice, part))
                    .isLessThan(StageTimes.partEnd(range, slice, part));
        }
    }
}
