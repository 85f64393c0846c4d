package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.stageflow.testing.NodeProject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The journey files as Camunda's own tools see them: the element templates valid against Camunda's published
 * element-template JSON schema, and every BPMN file in {@code bpmn/} clean under bpmnlint's recommended rules and
 * camunda-compat for Camunda 7.24 (with history time to live an error), as Camunda Modeler lints them. The tools
 * are the exact versions {@code src/test/lint/package-lock.json} pins ({@link NodeProject}). A file made bad on
 * purpose shows the checks find what they should.
 */
class JourneyFilesLintTest {

    private static NodeProject lint;

    @BeforeAll
    static void installTheTools() throws IOException {
        lint = NodeProject.install("lint");
    }

    @Test
    void theElementTemplatesAndEveryJourneyFilePassCamundasChecks() throws IOException {
        List<String> arguments = new ArrayList<>();
        arguments.add(ElementTemplatesTest.TEMPLATES.toAbsolutePath().toString());
        try (Stream<Path> files = Files.list(Path.of("bpmn"))) {
            files.filter(file -> file.toString().endsWith(".bpmn")).sorted()
                    .forEach(file -> arguments.add(file.toAbsolutePath().toString()));
        }

        NodeProject.Result result = lint.node(Duration.ofMinutes(2), "check.js", arguments.toArray(String[]::new));

        assertThat(arguments).hasSizeGreaterThan(7);
        assertThat(result.output()).as(result.output()).contains("PROBLEMS 0")
                .containsPattern("CHECKED \\d+ element templates against @camunda/element-templates-json-schema@");
        assertThat(result.output().lines().filter(line -> line.startsWith("LINTED ")).count())
                .isEqualTo(arguments.size() - 1);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void aBrokenTemplateAndABrokenJourneyAreFound(@org.junit.jupiter.api.io.TempDir Path folder) throws IOException {
        Path templates = folder.resolve("templates.json");
        Files.writeString(templates, Files.readString(ElementTemplatesTest.TEMPLATES, StandardCharsets.UTF_8)
                .replaceFirst("\"name\": \"template\"", "\"nome\": \"template\""), StandardCharsets.UTF_8);
        Path journey = folder.resolve("broken.bpmn");
        Files.writeString(journey, Files.readString(Path.of("bpmn", "welcome.bpmn"), StandardCharsets.UTF_8)
                .replaceFirst(" camunda:historyTimeToLive=\"[^\"]*\"", "")
                .replaceFirst("name=\"Send welcome email\"", ""), StandardCharsets.UTF_8);

        NodeProject.Result result = lint.node(Duration.ofMinutes(2), "check.js", templates.toString(),
                journey.toString());

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).contains("TEMPLATE io.stageflow.sendEmail@1: property.binding"
                + " \"camunda:inputParameter\" requires name")
                .contains("LINT broken.bpmn camunda-compat/history-time-to-live")
                .contains("LINT broken.bpmn label-required SendWelcomeEmail");
    }
}
