package io.stageflow.web;

/**
 * A time left, as the console's progress bars say it ("45 s", "2 min 5 s", "1 h 20 min"): the same words for an
 * import and a broadcast.
 */
public final class TimeLeft {

    private TimeLeft() {
    }

    /** The seconds in words; null when unknown. */
    public static String inWords(Long seconds) {
        if (seconds == null) {
            return null;
        }
        long s = seconds;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
