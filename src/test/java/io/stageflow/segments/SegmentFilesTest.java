package io.stageflow.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.customers.LifecycleProperties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.FileSystemResource;

/**
 * Segment files are checked as strictly as the API checks a segment, and a bad one stops the start with a
 * message naming the file and the field; the project's own example files are valid.
 */
class SegmentFilesTest {

    @TempDir
    Path temp;

    @Test
    void theProjectsSegmentFilesAreValid() throws IOException {
        List<SegmentFiles.FileSegment> segments = files(Path.of("segments")).read();

        assertThat(segments).extracting(s -> s.segment().key()).contains("vip-lapsed", "cart-abandoners");
        assertThat(segments).extracting(SegmentFiles.FileSegment::source).contains("segments/vip-lapsed.json");
    }

    @Test
    void aBadFileIsNamedWithItsFieldAndStopsTheStart() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("segments"));
        Files.writeString(dir.resolve("good.json"), """
                {"key": "good", "name": "Good", "rule": {"field": "orders.count", "op": "gte", "value": 1}}""");
        Files.writeString(dir.resolve("bad.json"), """
                {"key": "bad", "name": "Bad", "rule": {"all": [{"field": "stage", "op": "eq", "value": "LAPSED"},
                  {"field": "orders.cnt", "op": "gte", "value": 1}]}}""");
        Files.writeString(dir.resolve("renamed.json"), """
                {"key": "other", "name": "Other", "rule": {"field": "stage", "op": "eq", "value": "LAPSED"}}""");
        Files.writeString(dir.resolve("broken.json"), "{\"key\": ");

        assertThatThrownBy(() -> files(dir).read())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("segments/bad.json: rule.all[1].field: 'orders.cnt' is not a known field")
                .hasMessageContaining("segments/renamed.json: key: is 'other' but must be the file name, 'renamed'")
                .hasMessageContaining("segments/broken.json: not valid JSON")
                .hasMessageNotContaining("good.json");
    }

    @Test
    void noFolderMeansNoSegments() {
        assertThat(files(temp.resolve("missing")).read()).isEmpty();
    }

    @Test
    void segmentsCanLiveInTheConfigurationKeyedByTheirPropertyName() {
        List<SegmentFiles.FileSegment> segments = files(temp.resolve("missing"), Map.of(
                "big-spenders", """
                        {"name": "Big spenders", "rule": {"field": "orders.total", "op": "gte", "value": 500}}""",
                "lapsed", """
                        {"key": "lapsed", "name": "Lapsed", "rule": {"field": "stage", "op": "eq", "value": "LAPSED"}}""")).read();

        assertThat(segments).extracting(s -> s.segment().key()).containsExactly("big-spenders", "lapsed");
        assertThat(segments).extracting(SegmentFiles.FileSegment::source)
                .containsExactly("config:stageflow.segments.definitions.big-spenders",
                        "config:stageflow.segments.definitions.lapsed");
    }

    @Test
    void aBadDefinitionInTheConfigurationIsNamedByItsProperty() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("segments"));
        Files.writeString(dir.resolve("good.json"), """
                {"key": "good", "name": "Good", "rule": {"field": "orders.count", "op": "gte", "value": 1}}""");

        assertThatThrownBy(() -> files(dir, Map.of(
                "good", """
                        {"name": "Twice", "rule": {"field": "orders.count", "op": "gte", "value": 2}}""",
                "typo", """
                        {"name": "Typo", "rule": {"field": "stage", "op": "equals", "value": "LAPSED"}}""",
                "other", """
                        {"key": "another", "name": "Other", "rule": {"field": "stage", "op": "eq", "value": "LAPSED"}}""")).read())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("config:stageflow.segments.definitions.good: a segment file has this key already")
                .hasMessageContaining("config:stageflow.segments.definitions.typo: rule.op: 'equals' is not")
                .hasMessageContaining("config:stageflow.segments.definitions.other: key: is 'another' but must be the "
                        + "property name, 'other'");
    }

    private static SegmentFiles files(Path dir) {
        return files(dir, Map.of());
    }

    private static SegmentFiles files(Path dir, Map<String, String> definitions) {
        return new SegmentFiles(new SegmentsProperties(dir, definitions, 100, 2), new RuleParser(stageModel()),
                new ObjectMapper());
    }

    private static LifecycleProperties stageModel() {
        try {
            Binder binder = new Binder(ConfigurationPropertySources.from(new YamlPropertySourceLoader()
                    .load("application.yaml", new FileSystemResource("src/main/resources/application.yaml"))));
            return binder.bindOrCreate("stageflow.customers.lifecycle", LifecycleProperties.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
