package io.stageflow.experiments;

import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@link ExperimentsProperties} as the application binds them: its own defaults, with some settings changed. */
final class ExperimentSettings {

    private ExperimentSettings() {
    }

    /** The defaults, as written once in the settings record. */
    static ExperimentsProperties defaults() {
        return with(Map.of());
    }

    /** The defaults with these settings ({@code minimum-sample-per-arm} → {@code 10}) changed. */
    static ExperimentsProperties with(Map<String, String> settings) {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        settings.forEach((name, value) -> source.put("stageflow.experiments." + name, value));
        return new Binder(source).bindOrCreate("stageflow.experiments", ExperimentsProperties.class);
    }
}
