package io.stageflow.journeys;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.init;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base for the BPMN process tests: deploys a journey file from {@code bpmn/} on a standalone in-memory engine,
 * runs jobs explicitly, and records what the send steps asked for instead of queuing real email. Each subclass's
 * run leaves a coverage report of its journey in {@code target/process-test-coverage/}.
 */
abstract class JourneyProcessTest {

    /**
     * Prints (and, with {@link JourneyCoverage.AtLeast}, checks) each journey's coverage from the report below.
     * Registered first so that its after-all runs last, after the report is written.
     */
    @RegisterExtension
    @Order(1)
    static JourneyCoverage coverage = new JourneyCoverage();

    /**
     * Camunda's ProcessEngineExtension with process test coverage: after each test class it writes
     * {@code target/process-test-coverage/<test class>/report.html} and {@code report.json}.
     */
    @RegisterExtension
    @Order(2)
    static ProcessEngineExtension extension = ProcessEngineCoverageExtension
            .builder("process-test.camunda.cfg.xml").build();

    protected ProcessEngine engine;
    protected final List<String> sentTemplates = new ArrayList<>();
    private String deploymentId;

    /** The journey file under {@code bpmn/}, such as {@code welcome.bpmn}. */
    protected abstract String journeyFile();

    @BeforeEach
    void deployJourney() throws IOException {
        engine = extension.getProcessEngine();
        init(engine);
        Mocks.register("sendEmail", (JavaDelegate) this::recordSend);
        try (InputStream bpmn = Files.newInputStream(Path.of("bpmn", journeyFile()))) {
            deploymentId = engine.getRepositoryService().createDeployment()
                    .addInputStream("bpmn/" + journeyFile(), bpmn).deploy().getId();
        }
    }

    @AfterEach
    void undeployJourney() {
        engine.getRepositoryService().deleteDeployment(deploymentId, true);
        Mocks.reset();
        ClockUtil.reset();
    }

    private void recordSend(DelegateExecution execution) {
        sentTemplates.add((String) execution.getVariable("template"));
    }
}
