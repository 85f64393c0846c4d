package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/** Every path through {@code bpmn/referral-reward.bpmn}. */
@JourneyCoverage.AtLeast(flowNodes = 1.0, sequenceFlows = 1.0)
class ReferralRewardJourneyTest extends JourneyProcessTest {

    private static final String REFERRER = "referrer-1";

    @Override
    protected String journeyFile() {
        return "referral-reward.bpmn";
    }

    @Test
    void oneInstancePerConvertedFriendToldApartByReferralId() {
        assertThat(processProperty("reentry")).isEqualTo("always");
        assertThat(processProperty("correlateBy")).isEqualTo("referralId");
        assertThat(processProperty("stageflow.stage")).isEqualTo("ADVOCACY");
    }

    @Test
    void theReferrerGetsACouponInTheThankYouEmailAndBecomesAnAdvocateAndKeepsTheRewardAfterThirtyDays() {
        ProcessInstance journey = convert("7");

        runStep(journey, "IssueRewardCoupon");
        runStep(journey, "SendRewardEmail");
        assertThat(issuedOffers).containsExactly("referral-reward");
        assertThat(sentTemplates).containsExactly("referral-reward");
        assertThat(stageChanges).containsExactly("ADVOCACY");
        assertThat(journey).isWaitingAt("RefundWindow").isWaitingFor("referral_refunded");

        passTime(journey, Duration.ofDays(30));
        assertThat(journey).isEnded().hasPassed("RewardKept").hasNotPassed("RevokeReward");
        assertThat(revocations).isEmpty();
    }

    @Test
    void aRefundOfTheFriendsOrderWithinThirtyDaysRevokesTheReward() {
        ProcessInstance journey = convert("8");
        runStep(journey, "IssueRewardCoupon");
        runStep(journey, "SendRewardEmail");

        engine.getRuntimeService().createMessageCorrelation("referral_refunded").processInstanceId(journey.getId())
                .setVariables(Map.of("referralId", "8")).correlate();

        assertThat(journey).isEnded().hasPassed("RevokeReward", "RewardRevoked").hasNotPassed("RewardKept");
        assertThat(revocations).containsExactly("RevokeReward");
    }

    private ProcessInstance convert(String referralId) {
        return engine.getRuntimeService().startProcessInstanceByMessage("referral_converted", REFERRER,
                Map.of("customerId", REFERRER, "referralId", referralId, "friendId", "friend-" + referralId));
    }
}
