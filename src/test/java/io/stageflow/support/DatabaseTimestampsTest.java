package io.stageflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The fast parameter for a {@code datetime} column stores what a {@link Timestamp} would, on H2 and through
 * Connector/J with the settings Stageflow ships.
 */
class DatabaseTimestampsTest extends IntegrationTest {

    @Autowired
    DatabaseTimestamps timestamps;

    @Test
    void theDriverWritesTimestampsInTheJvmsZoneSoLocalDateTimesAreBound() {
        assertThat(timestamps.of(Instant.parse("2026-11-24T09:30:00Z"))).isInstanceOf(LocalDateTime.class);
    }

    @Test
    void eachInstantIsStoredAsATimestampWouldBe() {
        for (Instant instant : List.of(Instant.parse("2026-03-29T00:59:59Z"), Instant.parse("2026-03-29T01:00:00Z"),
                Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-25T01:30:00Z"),
                Instant.parse("2026-12-31T23:59:59Z"), Instant.parse("1999-06-30T12:00:00Z"))) {
            assertThat(text(timestamps.of(instant))).as("%s", instant).isEqualTo(text(Timestamp.from(instant)));
        }
    }

    private String text(Object parameter) {
        return jdbc.sql("select cast(? as char(30))").param(parameter).query(String.class).single();
    }
}
