package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.stageflow.delivery.Outbox;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.SmtpOutages;

import org.awaitility.core.ConditionTimeoutException;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Incident;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An email that cannot be delivered after every retry is an incident on its journey instance, and retrying the
 * incident, as Cockpit does, delivers it exactly once when the mail server is back.
 */
class DeliveryIncidentTest extends IntegrationTest {

    @Autowired
    SmtpOutages smtp;

    /** The dispatcher's attempts before an email fails for good ({@code stageflow.delivery.dispatcher.max-attempts}). */
    private static final int DISPATCHER_ATTEMPTS = 8;

    @Autowired
    Outbox outbox;

    @Test
    void exhaustedRetriesRaiseAnIncidentThatARetryFromCockpitResolvesWithOneEmail() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";
        smtp.down(email);
        client().signUp(id, email, "Ada");
        String instance = await().atMost(PATIENCE).until(() -> runtimeService.createProcessInstanceQuery()
                .processDefinitionKey("welcome").processInstanceBusinessKey(id).singleResult(), i -> i != null).getId();

        // Every retry fails; backoff grows to at most an hour, so hourly steps reach the last attempt (8). The
        // dispatcher's attempts are counted rather than the row's status watched: once the 8th has failed, the
        // incident's job may already be making the 9th, and the row is FAILED only between the two.
        await().atMost(PATIENCE).until(() -> attempts(id) == 1 && "PENDING".equals(outboxStatus(id)));
        for (int attempts = attempts(id); attempts < DISPATCHER_ATTEMPTS; attempts = attempts(id)) {
            advanceClock(Duration.ofHours(1));
            awaitNextAttempt(id, attempts);
        }
        Incident incident = await().atMost(PATIENCE).until(() -> runtimeService.createIncidentQuery()
                .processInstanceId(instance).singleResult(), i -> i != null);

        assertThat(incident.getIncidentType()).isEqualTo("failedJob");
        assertThat(incident.getIncidentMessage()).contains("template welcome").contains("step SendWelcomeEmail")
                .contains("still cannot be delivered").doesNotContain(email);
        assertThat(attempts(id)).as("8 attempts by the dispatcher, one by the incident's job").isEqualTo(9);
        assertThat(mailTo(email)).isEmpty();

        smtp.restore(email);
        client().put("/engine-rest/job/" + incident.getConfiguration() + "/retries", "{\"retries\":1}").expectStatus(204);

        awaitMail(email, 1);
        await().atMost(PATIENCE).until(() -> runtimeService.createIncidentQuery().processInstanceId(instance).count() == 0);
        long outboxId = jdbc.sql("select id from sf_outbox where customer_id = ?").param(id).query(Long.class).single();
        outbox.redeliver(outboxId);
        awaitSettled(id);
        assertThat(mailTo(email)).as("retrying a delivered email sends nothing").hasSize(1);
        assertThat(outboxStatus(id)).isEqualTo("SENT");
        assertThat(managementService.createJobQuery().processInstanceId(instance).list())
                .as("only the journey's own 3-day wait is left").hasSize(1)
                .allSatisfy(job -> assertThat(job.getDuedate()).isNotNull());
    }

    /**
     * Waits for the dispatcher's next attempt at the row. Moving the clock an hour also makes due whatever earlier
     * tests left waiting (their retries, deferrals and timers), which the dispatcher works through in the same passes;
     * hence the longer patience, and a timeout that says what the row and the queue were doing.
     */
    private void awaitNextAttempt(String customerId, int attemptsBefore) {
        try {
            await().atMost(PATIENCE.multipliedBy(3)).until(() -> attempts(customerId) > attemptsBefore
                    && List.of("PENDING", "FAILED").contains(outboxStatus(customerId)));
        } catch (ConditionTimeoutException timeout) {
            Timestamp now = new Timestamp(ClockUtil.getCurrentTime().getTime());
            throw new AssertionError("No attempt after attempt " + attemptsBefore + " at " + now.toInstant()
                    + ". The row: " + jdbc.sql("select status, attempts, next_attempt_at, lease_until, last_error"
                            + " from sf_outbox where customer_id = ?").param(customerId).query().listOfRows()
                    + ". Rows of any customer due then: " + jdbc.sql("select status, count(*) from sf_outbox where"
                            + " status in ('PENDING', 'DEFERRED') and next_attempt_at <= ? group by status")
                            .param(now).query().listOfRows()
                    + ", being sent: " + jdbc.sql("select count(*) from sf_outbox where status = 'SENDING'")
                            .query(Long.class).single(), timeout);
        }
    }

    private String outboxStatus(String customerId) {
        return jdbc.sql("select status from sf_outbox where customer_id = ?").param(customerId).query(String.class)
                .optional().orElse(null);
    }

    private int attempts(String customerId) {
        return jdbc.sql("select attempts from sf_outbox where customer_id = ?").param(customerId).query(Integer.class)
                .optional().orElse(0);
    }
}
