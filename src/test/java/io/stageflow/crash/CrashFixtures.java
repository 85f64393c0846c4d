package io.stageflow.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.util.FileSystemUtils;

/**
 * The journeys and templates of a crash test of its own, for the jar under test ({@code stageflow.journeys.dir},
 * {@code stageflow.templates.dir}): from {@code src/test/resources/crash/<name>/}, a journeys folder with only the
 * test's journey, its placeholders ({@code @ROUNDS@} …) written in, and a templates folder with the project's
 * templates (the layout with its footer, the macros) and the test's own.
 */
final class CrashFixtures {

    private CrashFixtures() {
    }

    /**
     * Writes the folders under {@code target/crash/<name>-fixtures-<db>} and answers that folder: {@code bpmn/}
     * holds {@code <journey>.bpmn} with each placeholder replaced by its value, {@code templates/} the templates.
     */
    static Path write(String name, CrashDatabase database, String journey, Map<String, String> placeholders)
            throws IOException {
        Path fixtures = Path.of("src/test/resources/crash").resolve(name);
        Path dir = Path.of(System.getProperty("stageflow.test.crash.dir", "target/crash"))
                .resolve(name + "-fixtures-" + database.label()).toAbsolutePath();
        FileSystemUtils.deleteRecursively(dir);
        FileSystemUtils.copyRecursively(Path.of("templates"), dir.resolve("templates"));
        FileSystemUtils.copyRecursively(fixtures.resolve("templates"), dir.resolve("templates"));
        Files.createDirectories(dir.resolve("bpmn"));
        String bpmn = Files.readString(fixtures.resolve("bpmn").resolve(journey + ".bpmn"));
        for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
            bpmn = bpmn.replace(placeholder.getKey(), placeholder.getValue());
        }
        Files.writeString(dir.resolve("bpmn").resolve(journey + ".bpmn"), bpmn);
        return dir;
    }
}
