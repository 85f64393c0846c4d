package io.stageflow.messaging;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;

/** The messaging settings of a default installation, for tests that build messaging classes by hand. */
final class TestMessagingProperties {

    private TestMessagingProperties() {
    }

    static MessagingProperties withTemplatesIn(Path templatesDir) {
        return withTemplatesIn(templatesDir, 0);
    }

    /** Templates re-checked for changes every {@code checkInterval} seconds, as in the default profile. */
    static MessagingProperties withTemplatesIn(Path templatesDir, int checkInterval) {
        return new MessagingProperties(templatesDir, checkInterval, "Shop <hello@example.com>", MessagingProperties.Transport.FILE,
                Path.of("var/outbox"), new MessagingProperties.Brand("Demo Shop", "https://shop.example.com", ""),
                new MessagingProperties.Dispatcher(50, Duration.ofMillis(500), 8, Duration.ofSeconds(30),
                        Duration.ofHours(1), Duration.ofMinutes(2), MessagingProperties.OnAmbiguousDelivery.FLAG),
                "https://stageflow.test", new MessagingProperties.Unsubscribe(Duration.ofDays(730), null,
                        new MessagingProperties.Unsubscribe.Inbox("imaps", null, null, null, null, Duration.ofMinutes(1))),
                new MessagingProperties.Pacing(1, 3, LocalTime.of(21, 0), LocalTime.of(8, 0),
                        MessagingProperties.Pacing.OnLimit.DEFER),
                new MessagingProperties.Consent(false));
    }
}
