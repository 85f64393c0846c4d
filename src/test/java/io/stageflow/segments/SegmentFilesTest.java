package io.stageflow.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    private static SegmentFiles files(Path dir) {
        return new SegmentFiles(new SegmentsProperties(dir, 100), new RuleParser(stageModel()), new ObjectMapper());
    }

    private static LifecycleProperties stageModel() {
        try {
            Binder binder = new Binder(ConfigurationPropertySources.from(new YamlPropertySourceLoader()
                    .load("application.yaml", new FileSystemResource("src/main/resources/application.yaml"))));
            return binder.bindOrCreate("stageflow.lifecycle", LifecycleProperties.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
