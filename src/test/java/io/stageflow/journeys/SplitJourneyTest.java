package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.stageflow.experiments.ExperimentAssignments;
import io.stageflow.experiments.ExperimentAssignments.Split;
import io.stageflow.experiments.ExperimentAssignments.Variant;

import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every path of the test journey {@code src/test/resources/journeys/split-demo.bpmn}: a split of three variants
 * (weights 50, 30, 20) and a 10% holdout. The split runs as drawn (its gateway and arrows read from the deployed
 * model, the fixed conditions, the variables it sets), with the customer's bucket as the only input (no entry is
 * recorded on this standalone engine); each test takes a customer whose bucket leads to its path.
 */
@JourneyCoverage.AtLeast(flowNodes = 1.0, sequenceFlows = 1.0)
class SplitJourneyTest extends JourneyProcessTest {

    /** The split as the file draws it, to find a customer for each path. */
    private static final Split DRAWN = new Split("split-demo-subject",
            List.of(new Variant("Control", 50), new Variant("Short subject", 30), new Variant("Emoji subject", 20)),
            "Holdout", 10);

    @Override
    protected String journeyFile() {
        return "split-demo.bpmn";
    }

    @Override
    protected Path journeyFolder() {
        return Path.of("src", "test", "resources", "journeys");
    }

    @BeforeEach
    void theSplitByBucket() {
        Mocks.register("split", (ExecutionListener) SplitStep::assignByBucket);
    }

    @Test
    void theControlCustomerGetsTheControlEmail() {
        ProcessInstance journey = enter(customerOn("Control"));

        assertThat(journey).hasPassed("SubjectTest").isWaitingAt("SendControl")
                .variables().containsEntry("experimentPath", "a").containsEntry("experimentVariant", "Control")
                .containsEntry("experimentHoldout", false).containsEntry("experiment_split_demo_subject", "Control");
        execute(job(journey));

        assertThat(journey).isEnded().hasPassed("ControlSent");
        assertThat(sentTemplates).containsExactly("welcome");
    }

    @Test
    void theShortSubjectCustomerGetsTheShortSubject() {
        ProcessInstance journey = enter(customerOn("Short subject"));

        assertThat(journey).isWaitingAt("SendShort").variables().containsEntry("experimentPath", "b")
                .containsEntry("experimentVariant", "Short subject");
        execute(job(journey));

        assertThat(journey).isEnded().hasPassed("ShortSent").hasNotPassed("SendControl", "SendEmoji");
        assertThat(sentTemplates).containsExactly("welcome-reminder");
    }

    @Test
    void theEmojiSubjectCustomerGetsTheEmojiSubject() {
        ProcessInstance journey = enter(customerOn("Emoji subject"));

        assertThat(journey).isWaitingAt("SendEmoji").variables().containsEntry("experimentPath", "c");
        execute(job(journey));

        assertThat(journey).isEnded().hasPassed("EmojiSent");
        assertThat(sentTemplates).containsExactly("welcome");
    }

    @Test
    void theHoldoutCustomerGetsNothing() {
        ProcessInstance journey = enter(customerOn("Holdout"));

        assertThat(journey).isEnded().hasPassed("HeldOut").hasNotPassed("SendControl", "SendShort", "SendEmoji");
        assertThat(sentTemplates).isEmpty();
    }

    @Test
    void theSameCustomerTakesTheSamePathEveryTime() {
        String customer = customerOn("Short subject");
        for (int entry = 0; entry < 3; entry++) {
            assertThat(enter(customer)).isWaitingAt("SendShort");
        }
    }

    private static ProcessInstance enter(String customerId) {
        return runtimeService().startProcessInstanceByMessage("split_demo", customerId, Map.of());
    }

    /** The first of customer-0, customer-1, … whose bucket gives them this path. */
    private static String customerOn(String path) {
        for (int i = 0; ; i++) {
            String customer = "customer-" + i;
            if (ExperimentAssignments.assign(DRAWN, customer).variant().equals(path)) {
                return customer;
            }
        }
    }
}
