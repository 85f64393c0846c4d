package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.time.Duration;
import java.util.Date;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/** Every path through {@code bpmn/welcome.bpmn}: together the tests pass every step and every arrow. */
@JourneyCoverage.AtLeast(flowNodes = 1.0, sequenceFlows = 1.0)
class WelcomeJourneyTest extends JourneyProcessTest {

    @Override
    protected String journeyFile() {
        return "welcome.bpmn";
    }

    @Test
    void aSignupSendsTheWelcomeEmailMarksTheCustomerEngagedAndWaitsForTheFirstOrder() {
        ProcessInstance journey = runtimeService().startProcessInstanceByMessage("signed_up", "customer-1");

        assertThat(journey).isWaitingAt("SendWelcomeEmail");
        execute(job(journey));

        assertThat(sentTemplates).containsExactly("welcome");
        assertThat(stageChanges).containsExactly("ENGAGEMENT");
        assertThat(journey).hasPassed("MarkEngaged").isWaitingAt("WaitForFirstOrder").isWaitingFor("order_completed");
        assertThat(job(journey).getDuedate()).isNotNull();
    }

    @Test
    void theFirstOrderEndsTheJourneyAsConverted() {
        ProcessInstance journey = runtimeService().startProcessInstanceByMessage("signed_up", "customer-1");
        execute(job(journey));

        runtimeService().createMessageCorrelation("order_completed").processInstanceBusinessKey("customer-1")
                .correlate();

        assertThat(journey).isEnded().hasPassed("Converted").hasNotPassed("SendReminderEmail");
        assertThat(sentTemplates).containsExactly("welcome");
    }

    @Test
    void withoutAnOrderForThreeDaysTheReminderIsSent() {
        Date start = ClockUtil.getCurrentTime();
        ProcessInstance journey = runtimeService().startProcessInstanceByMessage("signed_up", "customer-1");
        execute(job(journey));

        Job timer = job(journey);
        assertThat(Duration.between(start.toInstant(), timer.getDuedate().toInstant()))
                .isBetween(Duration.ofDays(3), Duration.ofDays(3).plusMinutes(1));
        execute(timer);
        assertThat(journey).hasPassed("IssueFirstOrderCoupon").isWaitingAt("SendReminderEmail");
        assertThat(issuedOffers).as("the reminder carries a first-order coupon").containsExactly("first-order");
        execute(job(journey));

        assertThat(journey).isEnded().hasPassed("ThreeDaysPassed", "NotConverted").hasNotPassed("Converted");
        assertThat(sentTemplates).containsExactly("welcome", "welcome-reminder");
    }

    @Test
    void aReferredFriendsWelcomeCarriesTheFriendCoupon() {
        ProcessInstance journey = runtimeService().startProcessInstanceByMessage("signed_up", "friend-1",
                java.util.Map.of("referred", true));

        assertThat(journey).hasPassed("ReferredByFriend", "IssueFriendCoupon").isWaitingAt("SendWelcomeEmail");
        assertThat(issuedOffers).containsExactly("referral-friend");
        execute(job(journey));
        assertThat(sentTemplates).containsExactly("welcome");
    }

    @Test
    void aSignupWhoseReferralWasRejectedGetsThePlainWelcome() {
        ProcessInstance journey = runtimeService().startProcessInstanceByMessage("signed_up", "friend-2",
                java.util.Map.of("referred", false));

        assertThat(journey).hasNotPassed("IssueFriendCoupon").isWaitingAt("SendWelcomeEmail");
        assertThat(issuedOffers).isEmpty();
    }
}
