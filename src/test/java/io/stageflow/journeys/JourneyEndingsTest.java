package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Which end events of the catalogue's journeys are goals that withdraw unsent email: those an event (a message, an
 * event subprocess's start) leads to with no send step in between, never the normal end after the last send step,
 * nor one a timer leads to.
 */
class JourneyEndingsTest extends IntegrationTest {

    @Autowired
    ProcessEngine engine;

    @Test
    void goalsAreTheEndsAnEventLeadsToAndNotTheEndsAfterASendOrATimer() {
        Map<String, String> goals = new TreeMap<>();
        for (String journey : new String[] {"abandoned-cart", "welcome", "upsell", "win-back", "loyalty-milestone",
                "referral-reward", "onboarding", "tier-upgrade"}) {
            ends(journey).forEach((end, goal) -> goals.put(journey + "/" + end, goal));
        }

        assertThat(goals).containsEntry("abandoned-cart/Ordered",
                        "'Order completed for this cart' ended it at 'Cart ordered'")
                .containsEntry("abandoned-cart/CartOrderedSubProcess",
                        "'Order completed for this cart' ended it at 'Cart ordered'")
                .containsEntry("abandoned-cart/NotOrdered", null)
                .containsEntry("welcome/NotConverted", null)
                .containsEntry("upsell/CrossSellSent", null)
                .containsEntry("win-back/Lapsed", null)
                .containsEntry("loyalty-milestone/MilestoneCelebrated", null)
                .containsEntry("referral-reward/RewardKept", null)
                .containsEntry("onboarding/NoAnswer", null)
                .containsEntry("tier-upgrade/UpgradeCelebrated", null);
        assertThat(goals.get("welcome/Converted")).endsWith("ended it at 'Converted'");
        assertThat(goals.get("upsell/OrderedAgain")).endsWith("ended it at 'Ordered again'");
        assertThat(goals.get("win-back/Reactivated")).isEqualTo("'Order completed' ended it at 'Reactivated'");
    }

    /** Each end event (and event subprocess) of the journey's latest version, with its goal or null. */
    private Map<String, String> ends(String journey) {
        ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) engine
                .getProcessEngineConfiguration();
        ProcessDefinitionEntity definition = configuration.getCommandExecutorTxRequired().execute(context ->
                configuration.getDeploymentCache().findDeployedLatestProcessDefinitionByKey(journey));
        Map<String, String> ends = new TreeMap<>();
        collect(definition, ends);
        return ends;
    }

    private static void collect(ScopeImpl scope, Map<String, String> ends) {
        for (ActivityImpl activity : scope.getActivities()) {
            String type = (String) activity.getProperty("type");
            if (type != null && type.endsWith("EndEvent") || activity.isTriggeredByEvent()) {
                ends.put(activity.getId(), (String) activity.getProperty(JourneyEndings.ENDED_BY_EVENT));
            }
            collect(activity, ends);
        }
    }
}
