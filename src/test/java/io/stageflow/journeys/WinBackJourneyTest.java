package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every path through {@code bpmn/win-back.bpmn}. */
@JourneyCoverage.AtLeast(flowNodes = 1.0, sequenceFlows = 1.0)
class WinBackJourneyTest extends JourneyProcessTest {

    private static final String CUSTOMER = "customer-1";
    private static final List<String> EMAILS = List.of("win-back-we-miss-you", "win-back-offer", "win-back-last-call");

    @Override
    protected String journeyFile() {
        return "win-back.bpmn";
    }

    @Test
    void notEnteredTwiceWhileRunning() {
        assertThat(processProperty("reentry")).isEqualTo("once-active");
        assertThat(processProperty("stageflow.stage")).isEqualTo("LAPSED");
    }

    @Test
    void withoutAnOrderThreeEmailsGoOutAndTheCustomerIsMarkedLapsed() {
        ProcessInstance journey = start();

        runStep(journey, "SendWeMissYouEmail");
        passTime(journey, Duration.ofDays(5));
        runStep(journey, "SendWinBackOfferEmail");
        passTime(journey, Duration.ofDays(7));
        runStep(journey, "SendLastCallEmail");
        passTime(journey, Duration.ofDays(7));

        assertThat(journey).isEnded().hasPassed("MarkLapsed", "Lapsed").hasNotPassed("Reactivated");
        assertThat(sentTemplates).isEqualTo(EMAILS);
        assertThat(stageChanges).containsExactly("LAPSED");
    }

    /** An order during the wait after the first, second or third email. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void anOrderDuringAWaitReactivatesTheCustomer(int emailsSent) {
        ProcessInstance journey = start();
        runStep(journey, "SendWeMissYouEmail");
        if (emailsSent >= 2) {
            passTime(journey, Duration.ofDays(5));
            runStep(journey, "SendWinBackOfferEmail");
        }
        if (emailsSent == 3) {
            passTime(journey, Duration.ofDays(7));
            runStep(journey, "SendLastCallEmail");
        }

        deliver("order_completed", CUSTOMER, Map.of("orderId", "o-9"));

        assertThat(journey).isEnded().hasPassed("OrderPlaced", "MarkReactivated", "Reactivated").hasNotPassed("MarkLapsed");
        assertThat(sentTemplates).isEqualTo(EMAILS.subList(0, emailsSent));
        assertThat(stageChanges).containsExactly("RETENTION");
    }

    @Test
    void anOrderBeforeTheFirstEmailGoesOutCancelsIt() {
        ProcessInstance journey = start();

        deliver("order_completed", CUSTOMER, Map.of("orderId", "o-9"));

        assertThat(journey).isEnded().hasPassed("Reactivated");
        assertThat(sentTemplates).isEmpty();
        assertThat(stageChanges).containsExactly("RETENTION");
    }

    private ProcessInstance start() {
        ProcessInstance journey = engine.getRuntimeService().startProcessInstanceByMessage("customer_inactive", CUSTOMER,
                Map.of("customerId", CUSTOMER));
        assertThat(journey).isWaitingAt("SendWeMissYouEmail");
        return journey;
    }
}
