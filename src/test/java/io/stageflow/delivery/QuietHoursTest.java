package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuietHoursTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private final QuietHours quietHours = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0));

    @ParameterizedTest
    @CsvSource({
            "2026-11-24T20:59, 2026-11-24T20:59",
            "2026-11-24T21:00, 2026-11-25T08:00",
            "2026-11-24T23:00, 2026-11-25T08:00",
            "2026-11-25T00:30, 2026-11-25T08:00",
            "2026-11-25T07:59, 2026-11-25T08:00",
            "2026-11-25T08:00, 2026-11-25T08:00",
            "2026-03-07T23:00, 2026-03-08T08:00"})
    void aSendInQuietHoursWaitsUntilEightInTheRecipientsOwnZone(String localSend, String localAllowed) {
        Instant send = LocalDateTime.parse(localSend).atZone(NEW_YORK).toInstant();
        Instant allowed = quietHours.nextAllowed(send, NEW_YORK);

        assertThat(allowed.atZone(NEW_YORK).toLocalDateTime().toString()).isEqualTo(localAllowed);
    }
}
