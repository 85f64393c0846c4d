package io.stageflow.delivery;

import java.time.Instant;
import java.time.ZoneId;

/**
 * When marketing email may reach a recipient, in their own time zone. A bean, so an installation (or a test) can
 * replace the configured quiet hours with another rule.
 */
public interface SendingWindow {

    /** {@code at} itself when sending is allowed then, otherwise the next moment it is. */
    Instant nextAllowed(Instant at, ZoneId recipientZone);

    /** A short human description for the message log, such as "quiet hours 21:00-08:00". */
    String describe();
}
