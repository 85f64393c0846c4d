package io.stageflow.inactivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.SimpleTriggerContext;

/** The scan's schedule comes from {@link InactivityProperties}: its cron in its zone, or none for {@code -}. */
class SchedulingConfigurationTest {

    private final InactivityScan scan = mock(InactivityScan.class);

    @Test
    void schedulesTheScanAtItsCronInItsZone() {
        ScheduledTaskRegistrar registrar = new ScheduledTaskRegistrar();

        new SchedulingConfiguration(scan, properties("0 30 2 * * *", "Europe/Paris")).configureTasks(registrar);

        assertThat(registrar.getCronTaskList()).singleElement().satisfies(task -> {
            assertThat(task.getExpression()).isEqualTo("0 30 2 * * *");
            // 02:30 in Paris is 01:30 UTC in winter.
            Clock newYear = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
            assertThat(task.getTrigger().nextExecution(new SimpleTriggerContext(newYear)))
                    .isEqualTo(Instant.parse("2026-01-01T01:30:00Z"));
            task.getRunnable().run();
        });
        verify(scan).startScheduled();
    }

    @Test
    void aDashTurnsTheScheduleOff() {
        ScheduledTaskRegistrar registrar = new ScheduledTaskRegistrar();

        new SchedulingConfiguration(scan, properties("-", "UTC")).configureTasks(registrar);

        assertThat(registrar.getCronTaskList()).isEmpty();
        assertThat(registrar.hasTasks()).isFalse();
    }

    private static InactivityProperties properties(String cron, String zone) {
        return new InactivityProperties(cron, zone, 60, "RETENTION", 500, "win-back", Duration.ofSeconds(10),
                Duration.ofMinutes(5), InactivityProperties.Trigger.DAYS, 0.7);
    }
}
