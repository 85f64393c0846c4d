package io.stageflow.segments;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stageflow.segments.*}: {@code dir}, the folder of segment files kept with the project (so segments are
 * reviewed and versioned like journeys and templates); {@code definitions}, segments kept in the configuration
 * instead, by key, each the JSON of a segment file (for an installation whose segments come with its deployment
 * settings); and {@code max-preview}, the most customers a preview lists.
 *
 * @param dir         the folder of segment files (one rule set per file)
 * @param definitions segments defined in configuration, by name
 * @param maxPreview  the most members a segment preview lists
 */
@ConfigurationProperties("stageflow.segments")
record SegmentsProperties(@DefaultValue("segments") Path dir, Map<String, String> definitions,
        @DefaultValue("100") int maxPreview) {

    SegmentsProperties {
        definitions = definitions == null ? Map.of() : Map.copyOf(definitions);
    }
}
