package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every path through {@code bpmn/loyalty-milestone.bpmn}. */
@JourneyCoverage.AtLeast(flowNodes = 1.0, sequenceFlows = 1.0)
class LoyaltyMilestoneJourneyTest extends JourneyProcessTest {

    private static final String CUSTOMER = "customer-1";

    @Override
    protected String journeyFile() {
        return "loyalty-milestone.bpmn";
    }

    @Test
    void startsOnEveryOrder() {
        assertThat(processProperty("reentry")).isEqualTo("always");
        assertThat(processProperty("stageflow.stage")).isEqualTo("RETENTION");
    }

    @Test
    void theFifthOrderBringsARewardTheAdvocacyStageAndLaterAReviewRequest() {
        ProcessInstance journey = order(5);

        assertThat(issuedOffers).as("the coupon the reward email carries").containsExactly("loyalty-reward");
        runStep(journey, "SendLoyaltyRewardEmail");
        assertThat(sentTemplates).containsExactly("loyalty-reward");
        assertThat(stageChanges).containsExactly("ADVOCACY");
        passTime(journey, Duration.ofDays(3));
        runStep(journey, "SendReviewRequestEmail");

        assertThat(journey).isEnded().hasPassed("MilestoneCelebrated").hasNotPassed("NotAMilestone");
        assertThat(sentTemplates).containsExactly("loyalty-reward", "review-request");
    }

    @Test
    void anOrderCountSentAsALongOrAsTextCountsToo() {
        assertThat(start(Map.of("orderCount", 5L))).isWaitingAt("SendLoyaltyRewardEmail");
        assertThat(start(Map.of("orderCount", "5"))).isWaitingAt("SendLoyaltyRewardEmail");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 6, 50})
    void anyOtherOrderEndsAtOnce(int orderCount) {
        ProcessInstance journey = order(orderCount);

        assertThat(journey).isEnded().hasPassed("NotAMilestone").hasNotPassed("SendLoyaltyRewardEmail");
        assertThat(sentTemplates).isEmpty();
        assertThat(stageChanges).isEmpty();
        assertThat(issuedOffers).isEmpty();
    }

    @Test
    void anOrderWithoutAnOrderCountEndsAtOnce() {
        ProcessInstance journey = start(Map.of());

        assertThat(journey).isEnded().hasPassed("NotAMilestone");
    }

    private ProcessInstance order(int orderCount) {
        return start(Map.of("orderCount", orderCount));
    }

    private ProcessInstance start(Map<String, Object> properties) {
        Map<String, Object> variables = new HashMap<>(properties);
        variables.put("customerId", CUSTOMER);
        return engine.getRuntimeService().startProcessInstanceByMessage("order_completed:loyalty", CUSTOMER, variables);
    }
}
