package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.model.dmn.Dmn;
import org.camunda.bpm.model.dmn.instance.OutputEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every path through {@code bpmn/upsell.bpmn}, and every row of {@code bpmn/upsell-offer.dmn}. */
@JourneyCoverage.AtLeast(flowNodes = 1.0, sequenceFlows = 1.0)
class UpsellJourneyTest extends JourneyProcessTest {

    private static final String CUSTOMER = "customer-1";

    @Override
    protected String journeyFile() {
        return "upsell.bpmn";
    }

    @Override
    protected List<String> companionFiles() {
        return List.of("upsell-offer.dmn");
    }

    @Test
    void startsOnEveryOrderButNotWhileRunning() {
        assertThat(processProperty("reentry")).isEqualTo("once-active");
        assertThat(processProperty("stageflow.stage")).isEqualTo("EXPANSION");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
        "electronics, upsell-accessories",
        "phones,      upsell-accessories",
        "apparel,     upsell-complete-the-look",
        "shoes,       upsell-complete-the-look",
        "garden,      upsell-bestsellers",
        "Shoes,       upsell-bestsellers",
        "none,        upsell-bestsellers"})
    void after14DaysTheDecisionTablePicksTheCrossSellEmailFromTheCategory(String category, String template) {
        Map<String, Object> order = new HashMap<>(Map.of("customerId", CUSTOMER, "orderId", "o-1"));
        if (category != null) {
            order.put("category", category);
        }
        ProcessInstance journey = engine.getRuntimeService().startProcessInstanceByMessage("order_completed:upsell",
                CUSTOMER, order);
        assertThat(journey).isWaitingAt("FourteenDaysPassed").isWaitingFor("order_completed");

        passTime(journey, Duration.ofDays(14));
        assertThat(journey).variables().containsEntry("upsellTemplate", template);
        runStep(journey, "SendCrossSellEmail");

        assertThat(journey).isEnded().hasPassed("PickCrossSellEmail", "CrossSellSent").hasNotPassed("OrderedAgain");
        assertThat(sentTemplates).containsExactly(template);
    }

    @Test
    void aNewOrderDuringTheWaitEndsTheJourneyWithoutEmail() {
        ProcessInstance journey = engine.getRuntimeService().startProcessInstanceByMessage("order_completed:upsell",
                CUSTOMER, Map.of("customerId", CUSTOMER, "category", "shoes"));

        deliver("order_completed", CUSTOMER, Map.of("orderId", "o-2"));

        assertThat(journey).isEnded().hasPassed("NewOrder", "OrderedAgain").hasNotPassed("PickCrossSellEmail");
        assertThat(sentTemplates).isEmpty();
    }

    @Test
    void aNewOrderWhileTheCrossSellIsAboutToBeSentCancelsIt() {
        ProcessInstance journey = engine.getRuntimeService().startProcessInstanceByMessage("order_completed:upsell",
                CUSTOMER, Map.of("customerId", CUSTOMER, "category", "shoes"));
        passTime(journey, Duration.ofDays(14));
        assertThat(journey).isWaitingAt("SendCrossSellEmail");

        deliver("order_completed", CUSTOMER, Map.of("orderId", "o-2"));

        assertThat(journey).isEnded().hasPassed("OrderedAgain").hasNotPassed("CrossSellSent");
        assertThat(sentTemplates).isEmpty();
    }

    /** The deployment check cannot see templates chosen at run time, so the table's are checked here. */
    @Test
    void everyEmailTheDecisionTableNamesExists() {
        List<String> templates = Dmn.readModelFromFile(Path.of("bpmn", "upsell-offer.dmn").toFile())
                .getModelElementsByType(OutputEntry.class).stream()
                .map(entry -> entry.getTextContent().strip().replace("\"", "")).toList();

        assertThat(templates).hasSizeGreaterThanOrEqualTo(3).allSatisfy(key -> assertThat(List.of("subject.vm",
                "html.vm", "text.vm")).allSatisfy(file -> assertThat(Files.isRegularFile(Path.of("templates", key, file)))
                        .as("templates/%s/%s", key, file).isTrue()));
    }
}
