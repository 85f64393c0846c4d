package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Reads the report that camunda-process-test-coverage wrote for a journey test class
 * ({@code target/process-test-coverage/<test class>/report.json}) and prints, per journey, how many of its flow
 * nodes and sequence flows the class's tests passed, and which they missed. A report that is missing, or older than
 * the class's run, fails the class (the coverage extension did not run, or wrote elsewhere), so that coverage cannot
 * go unchecked unnoticed. A test class annotated with {@link AtLeast} fails when a journey stays below it (checked only when all of the class's tests ran, not for a
 * single test method run on its own). Registered in {@link JourneyProcessTest} so that it runs
 * after the coverage extension has written the report.
 */
final class JourneyCoverage implements BeforeAllCallback, AfterAllCallback {

    static final Path REPORTS = Path.of("target", "process-test-coverage");

    /** Slack for file systems that store modification times in whole seconds (or coarser). */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(2);

    /** The coverage a journey test class must reach for its journeys, as fractions (1.0 is every element). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface AtLeast {
        double flowNodes();

        double sequenceFlows();
    }

    /** One journey's coverage by one test class. */
    record Result(String journey, Set<String> flowNodes, Set<String> coveredFlowNodes, Set<String> sequenceFlows,
            Set<String> coveredSequenceFlows) {

        double flowNodeRatio() {
            return ratio(coveredFlowNodes, flowNodes);
        }

        double sequenceFlowRatio() {
            return ratio(coveredSequenceFlows, sequenceFlows);
        }

        Set<String> missed() {
            Set<String> missed = new TreeSet<>(flowNodes);
            missed.removeAll(coveredFlowNodes);
            Set<String> flows = new TreeSet<>(sequenceFlows);
            flows.removeAll(coveredSequenceFlows);
            missed.addAll(flows);
            return missed;
        }

        String summary() {
            return String.format(Locale.ROOT, "journey %-20s flow nodes %3d/%-3d (%5.1f%%)  sequence flows %3d/%-3d (%5.1f%%)%s",
                    journey, coveredFlowNodes.size(), flowNodes.size(), 100 * flowNodeRatio(),
                    coveredSequenceFlows.size(), sequenceFlows.size(), 100 * sequenceFlowRatio(),
                    missed().isEmpty() ? "" : "  not passed: " + String.join(", ", missed()));
        }

        private static double ratio(Collection<String> covered, Collection<String> all) {
            return all.isEmpty() ? 1.0 : (double) covered.size() / all.size();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        store(context).put(Started.class, new Started(Instant.now()));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        Class<?> testClass = context.getRequiredTestClass();
        afterAll(testClass, REPORTS.resolve(testClass.getName()).resolve("report.json"),
                store(context).get(Started.class, Started.class));
    }

    /** When the test class started (kept in the extension context, not in a field). */
    record Started(Instant at) {
    }

    private static ExtensionContext.Store store(ExtensionContext context) {
        return context.getStore(ExtensionContext.Namespace.create(JourneyCoverage.class, context.getRequiredTestClass()));
    }

    void afterAll(Class<?> testClass, Path report, Started started) throws IOException {
        if (!Files.exists(report)) {
            throw new AssertionError("[journey coverage] " + testClass.getSimpleName() + ": no coverage report at "
                    + report.toAbsolutePath() + "; camunda-process-test-coverage (ProcessEngineCoverageExtension,"
                    + " registered after this extension in JourneyProcessTest) should have written it after the class's"
                    + " tests ran");
        }
        if (started != null) {
            Instant written = Files.getLastModifiedTime(report).toInstant();
            if (written.isBefore(started.at().minus(CLOCK_SLACK))) {
                throw new AssertionError("[journey coverage] " + testClass.getSimpleName() + ": the coverage report at "
                        + report.toAbsolutePath() + " was written at " + written + ", before this run started at "
                        + started.at() + "; camunda-process-test-coverage did not write this run's report");
            }
        }
        List<Result> results = read(report);
        List<String> lines = new ArrayList<>();
        for (Result result : results) {
            lines.add(result.summary() + "  (" + testClass.getSimpleName() + ")");
        }
        lines.forEach(line -> System.out.println("[journey coverage] " + line));
        Files.write(report.resolveSibling("journey-coverage.txt"), lines, StandardCharsets.UTF_8);
        AtLeast required = testClass.getAnnotation(AtLeast.class);
        long runs = runs(report);
        long tests = ReflectionSupport.findMethods(testClass, method -> method.isAnnotationPresent(Test.class),
                HierarchyTraversalMode.TOP_DOWN).size();
        if (required != null && runs < tests) {
            System.out.println("[journey coverage] " + testClass.getSimpleName() + ": " + runs + " of " + tests
                    + " tests ran; the required coverage is checked when all of them run");
        } else if (required != null) {
            assertThat(results).as("journeys covered by %s", testClass.getSimpleName()).isNotEmpty();
            for (Result result : results) {
                assertThat(result.flowNodeRatio()).as("flow-node coverage of %s by %s; not passed: %s",
                        result.journey(), testClass.getSimpleName(), result.missed())
                        .isGreaterThanOrEqualTo(required.flowNodes());
                assertThat(result.sequenceFlowRatio()).as("sequence-flow coverage of %s by %s; not passed: %s",
                        result.journey(), testClass.getSimpleName(), result.missed())
                        .isGreaterThanOrEqualTo(required.sequenceFlows());
            }
        }
    }

    private static long runs(Path report) throws IOException {
        long runs = 0;
        for (JsonNode suite : new ObjectMapper().readTree(report.toFile()).path("suites")) {
            runs += suite.path("runs").size();
        }
        return runs;
    }

    /** Per journey in the report: its flow nodes and sequence flows, and those any test of the class passed. */
    static List<Result> read(Path report) throws IOException {
        JsonNode root = new ObjectMapper().readTree(report.toFile());
        List<Result> results = new ArrayList<>();
        for (JsonNode model : root.path("models")) {
            String key = model.path("key").asText();
            BpmnModelInstance bpmn = Bpmn.readModelFromStream(
                    new ByteArrayInputStream(model.path("xml").asText().getBytes(StandardCharsets.UTF_8)));
            Set<String> flowNodes = ids(bpmn.getModelElementsByType(FlowNode.class));
            Set<String> sequenceFlows = ids(bpmn.getModelElementsByType(SequenceFlow.class));
            Set<String> passed = new HashSet<>();
            for (JsonNode suite : root.path("suites")) {
                for (JsonNode run : suite.path("runs")) {
                    for (JsonNode event : run.path("events")) {
                        if (key.equals(event.path("modelKey").asText())) {
                            passed.add(event.path("definitionKey").asText());
                        }
                    }
                }
            }
            Set<String> coveredFlowNodes = new TreeSet<>(flowNodes);
            coveredFlowNodes.retainAll(passed);
            Set<String> coveredSequenceFlows = new TreeSet<>(sequenceFlows);
            coveredSequenceFlows.retainAll(passed);
            results.add(new Result(key, flowNodes, coveredFlowNodes, sequenceFlows, coveredSequenceFlows));
        }
        return results;
    }

    private static Set<String> ids(Collection<? extends BaseElement> elements) {
        Set<String> ids = new TreeSet<>();
        elements.forEach(element -> ids.add(element.getId()));
        return ids;
    }
}
