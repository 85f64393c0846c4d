package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stageflow.events.EventInterest;
import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The events Stageflow observes itself are stored as routed at once when nothing acts on their type, so the router
 * never reads them; a type a journey listens for stays pending for the router, and a journey deployed on this node
 * is listened for from its deployment on, not only after the refresh interval.
 */
class ListeningJourneysTest extends IntegrationTest {

    @Autowired
    ObservedEvents observed;

    @Autowired
    RepositoryService repositoryService;

    @Test
    void anObservedEventNothingActsOnIsStoredRoutedAndOneAJourneyStartsOnWaitsForTheRouter() {
        String customer = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(customer, "{\"email\":\"" + customer + "@example.com\"}").expectStatus(201);
        String type = "observed_probe_" + UUID.randomUUID().toString().substring(0, 8);

        observed.recordAll(List.of(event("before-" + customer, type, customer), event("other-" + customer,
                "email_delivered", customer)));
        // No router pass has run for them: they were stored this way.
        assertThat(statusAndOutcome("before-" + customer)).isEqualTo("ROUTED " + EventInterest.NOTHING_ACTS_ON_IT);
        assertThat(statusAndOutcome("other-" + customer)).isEqualTo("ROUTED " + EventInterest.NOTHING_ACTS_ON_IT);

        String deployment = repositoryService.createDeployment().name("listening-test")
                .addModelInstance("listening-probe.bpmn", Bpmn.createExecutableProcess("listening-probe-" + type)
                        .camundaHistoryTimeToLive(1)
                        .startEvent().message(type)
                        .userTask("Wait")
                        .endEvent()
                        .done())
                .deploy().getId();
        try {
            // At once, well inside stageflow.journeys.router.listening-refresh: the deployment was on this node.
            observed.record(event("after-" + customer, type, customer));

            await().atMost(PATIENCE).until(() -> statusAndOutcome("after-" + customer).startsWith("ROUTED"));
            assertThat(statusAndOutcome("after-" + customer)).startsWith("ROUTED Started listening-probe-" + type);
            assertThat(runtimeService.createProcessInstanceQuery().processDefinitionKey("listening-probe-" + type)
                    .processInstanceBusinessKey(customer).count()).isEqualTo(1);
        } finally {
            repositoryService.deleteDeployment(deployment, true);
        }
    }

    private String statusAndOutcome(String messageId) {
        return jdbc.sql("select status, outcome from sf_event where message_id = ?").param(messageId)
                .query((rs, row) -> rs.getString(1) + " " + rs.getString(2)).single();
    }

    private static IncomingEvent event(String messageId, String type, String customer) {
        return new IncomingEvent(messageId, type, customer, OffsetDateTime.now(ZoneOffset.UTC), Map.of());
    }
}
