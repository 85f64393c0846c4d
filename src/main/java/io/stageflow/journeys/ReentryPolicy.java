package io.stageflow.journeys;

import java.util.Locale;

/**
 * Whether a customer may enter a journey again, declared per journey as the process extension property
 * {@code reentry} (Modeler: the process's Extensions tab, or the element template). {@code once-active} is the
 * default: a signup sent twice must not start a second welcome while the first runs.
 */
enum ReentryPolicy {
    /** Never a second time, even after the first has ended. */
    ONCE,
    /** Not while an instance for the customer is running; again after it ended. */
    ONCE_ACTIVE,
    /** Every trigger starts an instance. */
    ALWAYS;

    static final String PROPERTY = "reentry";

    static ReentryPolicy parse(String value) {
        if (value == null || value.isBlank()) {
            return ONCE_ACTIVE;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "once" -> ONCE;
            case "once-active" -> ONCE_ACTIVE;
            case "always" -> ALWAYS;
            default -> throw new IllegalArgumentException("Re-entry policy '" + value.strip()
                    + "' is not once, once-active or always");
        };
    }
}
