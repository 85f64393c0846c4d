package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The node's sending limit as the settings give it: off by default, refused when negative. What it holds under load is
 * measured against the packaged jar by {@code crash/SmtpFaultIT} (the busiest second at the server).
 */
class DeliveryRateLimitTest {

    @Test
    void noLimitByDefaultSoNoEmailWaits() throws InterruptedException {
        DeliveryProperties properties = bind(Map.of());
        assertThat(properties.dispatcher().maxPerSecond()).isZero();
        DeliveryRateLimit limit = new DeliveryRateLimit(properties);
        for (int i = 0; i < 10_000; i++) {
            limit.acquire(); // a limit would hold these back for seconds; none is there
        }
    }

    @Test
    void aNegativeLimitIsRefusedAtStartNamingTheSetting() {
        DeliveryProperties properties = bind(Map.of("stageflow.delivery.dispatcher.max-per-second", "-5"));
        assertThatThrownBy(() -> new DeliveryRateLimit(properties)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stageflow.delivery.dispatcher.max-per-second").hasMessageContaining("-5");
    }

    private static DeliveryProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("stageflow.delivery", DeliveryProperties.class);
    }
}
