package io.stageflow.support;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Instants as parameters for {@code datetime} columns on hot write paths. Connector/J formats each
 * {@link Timestamp} parameter with a new {@code SimpleDateFormat}, which took a third of the CPU of a 100-event
 * ingest request (docs/benchmarks.md); a {@link LocalDateTime} it formats with a shared formatter. The two store
 * the same value only when the driver writes timestamps in the JVM's time zone (Connector/J's default
 * {@code connectionTimeZone=LOCAL}, and H2), so that is checked once against the database at start-up, in winter
 * and in summer; where it does not hold, {@link Timestamp}s are bound as everywhere else.
 */
@Component
public class DatabaseTimestamps {

    private static final Logger log = LoggerFactory.getLogger(DatabaseTimestamps.class);
    private static final List<Instant> PROBES = List.of(Instant.parse("2026-01-15T10:15:30Z"),
            Instant.parse("2026-07-15T10:15:30Z"));

    private final ZoneId zone = ZoneId.systemDefault();
    private final boolean localDateTimes;

    DatabaseTimestamps(JdbcTemplate jdbc) {
        this.localDateTimes = PROBES.stream().allMatch(probe -> Objects.equals(
                jdbc.queryForObject("select cast(? as char(30))", String.class, Timestamp.from(probe)),
                jdbc.queryForObject("select cast(? as char(30))", String.class, LocalDateTime.ofInstant(probe, zone))));
        if (!localDateTimes) {
            log.info("The JDBC driver does not write timestamps in the JVM's time zone ({}); binding java.sql.Timestamp",
                    zone);
        }
    }

    /** The parameter that stores {@code instant} exactly as {@code Timestamp.from(instant)} would. */
    public Object of(Instant instant) {
        return localDateTimes ? LocalDateTime.ofInstant(instant, zone) : Timestamp.from(instant);
    }
}
