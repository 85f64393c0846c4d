package io.stageflow.templates;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The template settings of a default installation, for tests that build a renderer by hand. */
final class TestTemplateSettings {

    /** The links subscriptions and surveys add to {@code $links}, as stand-ins. */
    static final TemplateLinks STANDARD_LINKS = new TemplateLinks() {
        @Override
        public Map<String, String> links(String address, Long outboxId) {
            return samples();
        }

        @Override
        public Map<String, String> samples() {
            return Map.of("unsubscribe", "https://stageflow.test/u/sample",
                    "preferences", "https://stageflow.test/u/sample/preferences",
                    "survey", "https://stageflow.test/s/preview");
        }
    };

    private TestTemplateSettings() {
    }

    static TemplatesProperties withTemplatesIn(Path templatesDir, int checkInterval) {
        return new TemplatesProperties(templatesDir, checkInterval,
                new TemplatesProperties.Brand("Demo Shop", "https://shop.example.com", ""));
    }

    /** A renderer of the templates in {@code templatesDir}, never re-checked for changes. */
    static TemplateRenderer renderer(Path templatesDir) {
        return renderer(templatesDir, 0);
    }

    /** Templates re-checked for changes every {@code checkInterval} seconds, as in the default profile. */
    static TemplateRenderer renderer(Path templatesDir, int checkInterval) {
        return new TemplateRenderer(withTemplatesIn(templatesDir, checkInterval), List.of(STANDARD_LINKS));
    }
}
