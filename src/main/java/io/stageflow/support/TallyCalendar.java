package io.stageflow.support;

import java.time.ZoneId;

/**
 * The time zone whose calendar days {@link Tallies} keep daily totals in: the one reports cut their days in. The
 * feature that owns that setting provides it (analytics); without one, UTC. When it changes, the next fold rebuilds
 * the daily totals from the hourly ones.
 */
public interface TallyCalendar {

    /** The zone of the daily totals. */
    ZoneId zone();
}
