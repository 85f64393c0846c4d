package io.stageflow.segments;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stageflow.segments.*}: {@code dir}, the folder of segment files kept with the project (so segments are
 * reviewed and versioned like journeys and templates), and {@code max-preview}, the most customers a preview lists.
 */
@ConfigurationProperties("stageflow.segments")
record SegmentsProperties(@DefaultValue("segments") Path dir, @DefaultValue("100") int maxPreview) {
}
