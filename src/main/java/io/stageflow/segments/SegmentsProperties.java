package io.stageflow.segments;

import java.nio.file.Path;
import java.util.Map;

import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stageflow.segments.*}: {@code dir}, the folder of segment files kept with the project (so segments are
 * reviewed and versioned like journeys and templates); {@code definitions}, segments kept in the configuration
 * instead, by key, each the JSON of a segment file (for an installation whose segments come with its deployment
 * settings); {@code max-preview}, the most customers a preview lists; and {@code split-threads}, how many
 * connections read a large customer table at once when a segment is split for a broadcast ({@link SegmentSplit}).
 *
 * @param dir          the folder of segment files (one rule set per file)
 * @param definitions  segments defined in configuration, by name
 * @param maxPreview   the most members a segment preview lists
 * @param splitThreads connections a split of a segment over a large customer table reads with at once
 */
@Validated
@ConfigurationProperties("stageflow.segments")
record SegmentsProperties(@DefaultValue("segments") Path dir, Map<String, String> definitions,
        @DefaultValue("100") int maxPreview, @DefaultValue("2") @Positive int splitThreads) {

    SegmentsProperties {
        definitions = definitions == null ? Map.of() : Map.copyOf(definitions);
    }
}
