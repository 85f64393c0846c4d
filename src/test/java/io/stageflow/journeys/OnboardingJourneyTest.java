package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;

import java.time.Duration;
import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every path through {@code bpmn/onboarding.bpmn}. */
@JourneyCoverage.AtLeast(flowNodes = 1.0, sequenceFlows = 1.0)
class OnboardingJourneyTest extends JourneyProcessTest {

    private static final String CUSTOMER = "customer-1";

    @Override
    protected String journeyFile() {
        return "onboarding.bpmn";
    }

    @Test
    void startsOnceEverOnTheOrderEventWithItsOwnStartMessage() {
        assertThat(processProperty("reentry")).isEqualTo("once");
        assertThat(processProperty("stageflow.stage")).isEqualTo("ONBOARDING");
    }

    @Test
    void theFirstOrderBringsGettingStartedOnDay1TipsOnDay3AndTheSurveyOnDay7() {
        ProcessInstance journey = surveySent();

        assertThat(sentTemplates).containsExactly("onboarding-getting-started", "onboarding-tips", "onboarding-survey");
        assertThat(journey).isWaitingAt("WaitForSurveyAnswer").isWaitingFor("survey_answered");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 6})
    void aDetractorScoreCreatesACallBackTaskForCustomerSuccess(int score) {
        ProcessInstance journey = surveySent();

        deliver("survey_answered", CUSTOMER, Map.of("score", score));

        assertThat(journey).isWaitingAt("CallBackUnhappyCustomer");
        Task callBack = task(journey);
        assertThat(callBack.getName()).isEqualTo("Call back unhappy customer");
        assertThat(taskService().getIdentityLinksForTask(callBack.getId()))
                .anySatisfy(link -> assertThat(link.getGroupId()).isEqualTo("customer-success"));
        assertThat(callBack.getDescription()).contains(CUSTOMER).contains(score + " out of 10");
        assertThat(sentTemplates).doesNotContain("review-request");

        complete(callBack);

        assertThat(journey).isEnded().hasPassed("SurveyAnswered", "DetractorCalledBack");
    }

    @ParameterizedTest
    @ValueSource(ints = {9, 10})
    void aPromoterScoreAsksForAReviewOrReferral(int score) {
        ProcessInstance journey = surveySent();

        deliver("survey_answered", CUSTOMER, Map.of("score", score));
        runStep(journey, "SendReviewRequestEmail");

        assertThat(journey).isEnded().hasPassed("Promoter").hasNotPassed("CallBackUnhappyCustomer");
        assertThat(sentTemplates).endsWith("onboarding-survey", "review-request");
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 8})
    void aPassiveScoreEndsTheJourney(int score) {
        ProcessInstance journey = surveySent();

        deliver("survey_answered", CUSTOMER, Map.of("score", score));

        assertThat(journey).isEnded().hasPassed("Passive").hasNotPassed("CallBackUnhappyCustomer", "SendReviewRequestEmail");
        assertThat(sentTemplates).hasSize(3);
    }

    @Test
    void anAnswerWithoutAScoreEndsLikeAPassiveOne() {
        ProcessInstance journey = surveySent();

        deliver("survey_answered", CUSTOMER, Map.of());

        assertThat(journey).isEnded().hasPassed("Passive");
    }

    @Test
    void aScoreSentAsTextCountsLikeANumber() {
        ProcessInstance journey = surveySent();

        deliver("survey_answered", CUSTOMER, Map.of("score", "2"));

        assertThat(journey).isWaitingAt("CallBackUnhappyCustomer");
    }

    @Test
    void withoutAnAnswerForSevenDaysTheJourneyEnds() {
        ProcessInstance journey = surveySent();

        passTime(journey, Duration.ofDays(7));

        assertThat(journey).isEnded().hasPassed("SevenDaysWithoutAnswer", "NoAnswer").hasNotPassed("SurveyAnswered");
        assertThat(sentTemplates).hasSize(3);
    }

    private ProcessInstance surveySent() {
        ProcessInstance journey = engine.getRuntimeService().startProcessInstanceByMessage("order_completed:onboarding",
                CUSTOMER, Map.of("customerId", CUSTOMER, "orderId", "o-1"));
        assertThat(journey).isWaitingAt("Day1");
        passTime(journey, Duration.ofDays(1));
        runStep(journey, "SendGettingStartedEmail");
        assertThat(sentTemplates).containsExactly("onboarding-getting-started");
        passTime(journey, Duration.ofDays(2));
        runStep(journey, "SendTipsEmail");
        passTime(journey, Duration.ofDays(4));
        runStep(journey, "SendSurveyEmail");
        return journey;
    }
}
