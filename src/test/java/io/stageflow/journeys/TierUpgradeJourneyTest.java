package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/** Every path through {@code bpmn/tier-upgrade.bpmn} (there is one). */
@JourneyCoverage.AtLeast(flowNodes = 1.0, sequenceFlows = 1.0)
class TierUpgradeJourneyTest extends JourneyProcessTest {

    private static final String CUSTOMER = "customer-1";

    @Override
    protected String journeyFile() {
        return "tier-upgrade.bpmn";
    }

    @Test
    void celebratesEveryUpgrade() {
        assertThat(processProperty("reentry")).isEqualTo("always");
        assertThat(processProperty("stageflow.stage")).isEqualTo("RETENTION");
    }

    @Test
    void anUpgradeSendsTheTierUpgradeEmailAndEnds() {
        ProcessInstance journey = engine.getRuntimeService().startProcessInstanceByMessage("loyalty_tier_upgraded",
                CUSTOMER, Map.of("customerId", CUSTOMER, "fromTier", "Member", "toTier", "Silver"));

        assertThat(journey).isWaitingAt("SendTierUpgradeEmail");
        runStep(journey, "SendTierUpgradeEmail");

        assertThat(journey).isEnded().hasPassed("UpgradeCelebrated");
        assertThat(sentTemplates).containsExactly("tier-upgrade");
        assertThat(stageChanges).isEmpty();
        assertThat(issuedOffers).isEmpty();
    }
}
