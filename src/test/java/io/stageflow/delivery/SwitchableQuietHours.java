package io.stageflow.delivery;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * The production quiet hours (21:00-08:00), but only while a test switches them on: anywhere else they would make
 * a test's outcome depend on the hour CI happens to run at.
 */
public class SwitchableQuietHours implements SendingWindow {

    private final SendingWindow quietHours = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0));
    private volatile boolean on;

    public void switchOn() {
        on = true;
    }

    public void switchOff() {
        on = false;
    }

    @Override
    public Instant nextAllowed(Instant at, ZoneId recipientZone) {
        return on ? quietHours.nextAllowed(at, recipientZone) : at;
    }

    @Override
    public String describe() {
        return quietHours.describe();
    }
}
