package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JourneyCoverage} fails a journey test class whose coverage report is missing or left from an older run. */
class JourneyCoverageTest {

    @TempDir
    Path folder;

    @Test
    void aMissingReportFailsTheClass() {
        Path report = folder.resolve("report.json");

        assertThatThrownBy(() -> new JourneyCoverage().afterAll(WelcomeJourneyTest.class, report,
                new JourneyCoverage.Started(Instant.now())))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("WelcomeJourneyTest")
                .hasMessageContaining("no coverage report at " + report.toAbsolutePath());
    }

    @Test
    void aReportFromAnEarlierRunFailsTheClass() throws Exception {
        Path report = Files.writeString(folder.resolve("report.json"), "{\"models\":[],\"suites\":[]}");
        Instant started = Instant.now();
        Files.setLastModifiedTime(report, FileTime.from(started.minus(Duration.ofMinutes(5))));

        assertThatThrownBy(() -> new JourneyCoverage().afterAll(WelcomeJourneyTest.class, report,
                new JourneyCoverage.Started(started)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("before this run started");
    }
}
