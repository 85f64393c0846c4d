package io.stageflow.journeys;

import java.nio.file.Path;
import java.time.Duration;

/** Journeys settings for a deployer of a test's own journeys folder, as a restart with that folder would use. */
final class JourneyFolders {

    private JourneyFolders() {
    }

    static JourneysProperties of(Path folder) {
        return new JourneysProperties(folder, null, new JourneysProperties.Router(100, Duration.ofMillis(100),
                Duration.ZERO, Duration.ofMinutes(5), 10, Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofSeconds(1), 1), false, org.springframework.util.unit.DataSize.ofMegabytes(1));
    }
}
