package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.init;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base for the BPMN process tests: deploys a journey file from {@code bpmn/} on a standalone in-memory engine,
 * runs jobs explicitly, and records what the send steps and set-stage steps asked for instead of queuing real
 * email or moving a real customer. Each subclass's
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
    protected final List<String> stageChanges = new ArrayList<>();
    protected final List<String> issuedOffers = new ArrayList<>();
    protected final List<String> revocations = new ArrayList<>();
    private String deploymentId;

    /** The journey file under {@code bpmn/}, such as {@code welcome.bpmn}. */
    protected abstract String journeyFile();

    /** The folder of the journey file: {@code bpmn/}, or for a test journey outside the catalogue its own. */
    protected Path journeyFolder() {
        return Path.of("bpmn");
    }

    /** Further files under {@code bpmn/} the journey needs in the same deployment, such as a decision table. */
    protected List<String> companionFiles() {
        return List.of();
    }

    @BeforeEach
    void deployJourney() throws IOException {
        engine = extension.getProcessEngine();
        init(engine);
        ClockUtil.setCurrentTime(new Date()); // frozen: due dates are exact, and move only in passTime
        Mocks.register("sendEmail", (JavaDelegate) this::recordSend);
        Mocks.register("setLifecycleStage", (JavaDelegate) this::recordStage);
        Mocks.register("issueCoupon", (JavaDelegate) this::recordCoupon);
        Mocks.register("revokeCoupons", (JavaDelegate) execution -> revocations.add(execution.getCurrentActivityId()));
        DeploymentBuilder deployment = engine.getRepositoryService().createDeployment();
        List<InputStream> streams = new ArrayList<>();
        try {
            for (String file : Stream.concat(Stream.of(journeyFile()), companionFiles().stream()).toList()) {
                InputStream in = Files.newInputStream(journeyFolder().resolve(file));
                streams.add(in);
                deployment.addInputStream("bpmn/" + file, in);
            }
            deploymentId = deployment.deploy().getId();
        } finally {
            for (InputStream in : streams) {
                in.close();
            }
        }
    }

    @AfterEach
    void undeployJourney() {
        engine.getRepositoryService().deleteDeployment(deploymentId, true);
        Mocks.reset();
        ClockUtil.reset();
    }

    /**
     * Checks that the journey's one timer is due exactly {@code wait} from now, moves the clock there and fires it.
     */
    protected void passTime(ProcessInstance journey, Duration wait) {
        Job timer = engine.getManagementService().createJobQuery().processInstanceId(journey.getId()).timers()
                .singleResult();
        assertThat(timer).as("a timer of the journey").isNotNull();
        Date now = ClockUtil.getCurrentTime();
        assertThat(Duration.between(now.toInstant(), timer.getDuedate().toInstant())).isEqualTo(wait);
        ClockUtil.setCurrentTime(timer.getDuedate());
        execute(timer);
    }

    /** Runs the send step the journey is parked before (send steps are asynchronous, like in production). */
    protected void runStep(ProcessInstance journey, String activityId) {
        assertThat(journey).isWaitingAt(activityId);
        execute(engine.getManagementService().createJobQuery().processInstanceId(journey.getId())
                .activityId(activityId).singleResult());
    }

    /** Delivers an event to the customer's journey, as the router does for a waiting step. */
    protected void deliver(String eventType, String customerId, Map<String, Object> properties) {
        engine.getRuntimeService().createMessageCorrelation(eventType).processInstanceBusinessKey(customerId)
                .setVariables(properties).correlate();
    }

    /** A process extension property ({@code camunda:properties}) of the journey as deployed. */
    protected String processProperty(String name) {
        ProcessDefinition definition = engine.getRepositoryService().createProcessDefinitionQuery()
                .deploymentId(deploymentId).singleResult();
        Process process = engine.getRepositoryService().getBpmnModelInstance(definition.getId())
                .getModelElementById(definition.getKey());
        return process.getExtensionElements().getElementsQuery().filterByType(CamundaProperties.class).list().stream()
                .flatMap(properties -> properties.getCamundaProperties().stream())
                .filter(property -> name.equals(property.getCamundaName()))
                .map(CamundaProperty::getCamundaValue).findFirst().orElse(null);
    }

    private void recordSend(DelegateExecution execution) {
        sentTemplates.add((String) execution.getVariableLocal("template"));
    }

    private void recordCoupon(DelegateExecution execution) {
        String offer = (String) execution.getVariableLocal("offer");
        issuedOffers.add(offer);
        Object variable = execution.getVariableLocal("resultVariable");
        execution.getProcessInstance().setVariable(variable == null ? "couponCode" : variable.toString(),
                "TEST-" + offer.toUpperCase(java.util.Locale.ROOT));
    }

    private void recordStage(DelegateExecution execution) {
        stageChanges.add((String) execution.getVariableLocal("stage"));
    }
}
