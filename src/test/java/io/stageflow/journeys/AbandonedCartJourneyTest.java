package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/** Every path through {@code bpmn/abandoned-cart.bpmn}. */
@JourneyCoverage.AtLeast(flowNodes = 1.0, sequenceFlows = 1.0)
class AbandonedCartJourneyTest extends JourneyProcessTest {

    private static final String CUSTOMER = "customer-1";

    @Override
    protected String journeyFile() {
        return "abandoned-cart.bpmn";
    }

    @Test
    void oneJourneyPerOpenCart() {
        assertThat(processProperty("reentry")).isEqualTo("once-active");
        assertThat(processProperty("correlateBy")).isEqualTo("cartId");
        assertThat(processProperty("stageflow.stage")).isEqualTo("CONVERSION");
    }

    @Test
    void withoutAnOrderTheReminderComesAfterOneHourAndTheOfferAfter24Hours() {
        ProcessInstance journey = cartUpdated();

        passTime(journey, Duration.ofHours(1));
        runStep(journey, "SendCartReminderEmail");
        assertThat(sentTemplates).containsExactly("cart-reminder");
        passTime(journey, Duration.ofHours(23));
        runStep(journey, "SendCartOfferEmail");

        assertThat(journey).isEnded().hasPassed("NotOrdered").hasNotPassed("Ordered");
        assertThat(sentTemplates).containsExactly("cart-reminder", "cart-offer");
    }

    @Test
    void anOrderWithinTheFirstHourEndsTheJourneyWithoutEmail() {
        ProcessInstance journey = cartUpdated();

        orderCompleted();

        assertThat(journey).isEnded().hasPassed("CartOrdered", "Ordered").hasNotPassed("SendCartReminderEmail");
        assertThat(sentTemplates).isEmpty();
    }

    @Test
    void anOrderAfterTheReminderEndsTheJourneyWithoutTheOffer() {
        ProcessInstance journey = cartUpdated();
        passTime(journey, Duration.ofHours(1));
        runStep(journey, "SendCartReminderEmail");

        orderCompleted();

        assertThat(journey).isEnded().hasPassed("Ordered").hasNotPassed("SendCartOfferEmail", "NotOrdered");
        assertThat(sentTemplates).containsExactly("cart-reminder");
    }

    @Test
    void anOrderWhileAnEmailIsAboutToBeSentCancelsIt() {
        ProcessInstance journey = cartUpdated();
        passTime(journey, Duration.ofHours(1));
        assertThat(journey).isWaitingAt("SendCartReminderEmail");

        orderCompleted();

        assertThat(journey).isEnded().hasPassed("Ordered");
        assertThat(sentTemplates).isEmpty();
    }

    private ProcessInstance cartUpdated() {
        ProcessInstance journey = engine.getRuntimeService().startProcessInstanceByMessage("cart_updated", CUSTOMER,
                Map.of("customerId", CUSTOMER, "cartId", "cart-7"));
        assertThat(journey).isWaitingAt("OneHourPassed").isWaitingFor("order_completed");
        assertThat(journey).variables().containsEntry("cartId", "cart-7");
        return journey;
    }

    private void orderCompleted() {
        deliver("order_completed", CUSTOMER, Map.of("cartId", "cart-7", "orderId", "o-1"));
    }
}
