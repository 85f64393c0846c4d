package io.stageflow.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.customers.PersonalData;
import io.stageflow.experiments.ExperimentAssignments.Assignment;
import io.stageflow.experiments.ExperimentAssignments.Basis;
import io.stageflow.experiments.ExperimentAssignments.Experiment;
import io.stageflow.experiments.ExperimentAssignments.Split;
import io.stageflow.experiments.ExperimentAssignments.Status;
import io.stageflow.experiments.ExperimentAssignments.Variant;
import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The recorded side of experiments on the test database: the experiment created at its first entry, one entry per
 * journey instance at the injected clock's time, a customer kept on the path of their first entry, the winner for
 * new entrants once decided (the holdout keeping its customers, an instance already on a path keeping it), and the
 * entries in the customer's export and anonymised by their erasure.
 */
class ExperimentEntriesTest extends IntegrationTest {

    /** Whole seconds: the mysql profile sends no fractions of a second. */
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");

    @Autowired
    ExperimentAssignments assignments;

    private String key;
    private Split split;

    @BeforeEach
    void anExperimentOfThisTest() {
        key = "t-" + UUID.randomUUID().toString().substring(0, 8);
        split = new Split(key, List.of(new Variant("Control", 50), new Variant("Short", 30),
                new Variant("Emoji", 20)), "Holdout", 10);
        ClockUtil.setCurrentTime(Date.from(NOW));
    }

    @AfterEach
    void resetTheClock() {
        ClockUtil.reset();
    }

    @Test
    void theFirstEntryCreatesTheExperimentAndEachEntryIsRecordedOnceAtTheClocksTime() {
        assertThat(assignments.experiment(key)).isEmpty();

        Assignment first = assignments.enter(split, "welcome", "instance-1-" + key, "c-1-" + key);
        Assignment loop = assignments.enter(split, "welcome", "instance-1-" + key, "c-1-" + key);

        assertThat(first).isEqualTo(ExperimentAssignments.assign(split, "c-1-" + key));
        assertThat(loop.variant()).isEqualTo(first.variant());
        Experiment experiment = assignments.experiment(key).orElseThrow();
        assertThat(experiment.status()).isEqualTo(Status.RUNNING);
        assertThat(experiment.journeyKey()).isEqualTo("welcome");
        assertThat(experiment.createdAt()).isEqualTo(NOW);
        assertThat(experiment.winner()).isNull();
        assertThat(jdbc.sql("""
                select journey_key, journey_instance_id, customer_id, variant, holdout, entered_at
                from sf_experiment_entry where experiment_key = ?""").param(key)
                .query((rs, row) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getBoolean(5), rs.getTimestamp(6).toInstant())).list())
                .as("one entry however often the instance passes the split")
                .containsExactly(List.of("welcome", "instance-1-" + key, "c-1-" + key, first.variant(),
                        first.holdout(), NOW));
    }

    @Test
    void aCustomerKeepsThePathOfTheirFirstEntryWhenTheWeightsChangeWhileTheSplitStillHasIt() {
        String customer = customerOf("Short", split);
        assertThat(assignments.enter(split, "welcome", "i-1-" + key, customer).variant()).isEqualTo("Short");

        Split reweighted = new Split(key, List.of(new Variant("Control", 90), new Variant("Short", 5),
                new Variant("Emoji", 5)), "Holdout", 10);
        String newcomerOnControl = customerOf("Control", reweighted, customer);
        Assignment again = assignments.enter(reweighted, "welcome", "i-2-" + key, customer);
        assertThat(again.variant()).isEqualTo("Short");
        assertThat(again.basis()).isEqualTo(Basis.EARLIER_ENTRY);
        assertThat(assignments.enter(reweighted, "welcome", "i-3-" + key, newcomerOnControl).variant())
                .isEqualTo("Control");

        Split withoutShort = new Split(key, List.of(new Variant("Control", 50), new Variant("Emoji", 50)),
                "Holdout", 10);
        Assignment gone = assignments.enter(withoutShort, "welcome", "i-4-" + key, customer);
        assertThat(gone.basis()).as("a path the split no longer has").isEqualTo(Basis.BUCKET);
        assertThat(gone).isEqualTo(ExperimentAssignments.assign(withoutShort, customer));
    }

    @Test
    void afterADecisionNewEntrantsTakeTheWinnerWhileTheHoldoutAndInstancesAlreadyOnAPathKeepTheirs() {
        String onControl = customerOf("Control", split);
        String onEmoji = customerOf("Emoji", split);
        String inHoldout = customerOf("Holdout", split);
        String emojiBeforeTheDecision = customerOf("Emoji", split, onEmoji);
        Assignment running = assignments.enter(split, "welcome", "running-" + key, emojiBeforeTheDecision);
        assertThat(running.variant()).isEqualTo("Emoji");

        Instant decidedAt = NOW.plusSeconds(86_400);
        ClockUtil.setCurrentTime(Date.from(decidedAt));
        Experiment decided = assignments.decide(key, Status.DECIDED, "Short", "{\"winner\":\"Short\",\"lift\":0.12}");

        assertThat(decided.status()).isEqualTo(Status.DECIDED);
        assertThat(decided.winner()).isEqualTo("Short");
        assertThat(decided.decidedAt()).isEqualTo(decidedAt);
        assertThat(decided.decision()).isEqualTo("{\"winner\":\"Short\",\"lift\":0.12}");
        for (String customer : List.of(onControl, onEmoji)) {
            Assignment assignment = assignments.enter(split, "welcome", "after-" + customer, customer);
            assertThat(assignment.variant()).as(customer).isEqualTo("Short");
            assertThat(assignment.basis()).isEqualTo(Basis.WINNER);
        }
        Assignment holdout = assignments.enter(split, "welcome", "after-" + inHoldout, inHoldout);
        assertThat(holdout.holdout()).as("the holdout stays the holdout").isTrue();
        assertThat(holdout.variant()).isEqualTo("Holdout");
        assertThat(assignments.enter(split, "welcome", "running-" + key, emojiBeforeTheDecision).variant())
                .as("an instance that entered before the decision keeps its path").isEqualTo("Emoji");
        assertThat(jdbc.sql("select count(*) from sf_experiment_entry where experiment_key = ? and variant = 'Short'"
                + " and entered_at = ?").params(key, Timestamp.from(decidedAt)).query(Long.class).single())
                .isEqualTo(2);
    }

    @Test
    void stoppedWithAWinnerActsAsDecidedAndWithoutOneKeepsSplittingByWeight() {
        String onControl = customerOf("Control", split);
        assignments.enter(split, "welcome", "first-" + key, customerOf("Short", split));

        assignments.decide(key, Status.STOPPED, null, null);
        assertThat(assignments.enter(split, "welcome", "i-1-" + key, onControl).variant()).isEqualTo("Control");

        assignments.decide(key, Status.STOPPED, "Emoji", "{}");
        assertThat(assignments.experiment(key).orElseThrow().status()).isEqualTo(Status.STOPPED);
        assertThat(assignments.enter(split, "welcome", "i-2-" + key, onControl).variant()).isEqualTo("Emoji");
    }

    @Test
    void aDecisionNeedsAnEnteredExperimentAnOutcomeAndForDecidedAWinner() {
        assertThatThrownBy(() -> assignments.decide(key, Status.DECIDED, "Control", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no customer has entered it yet");
        assignments.enter(split, "welcome", "i-" + key, "c-" + key);
        assertThatThrownBy(() -> assignments.decide(key, Status.RUNNING, "Control", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DECIDED or STOPPED");
        assertThatThrownBy(() -> assignments.decide(key, Status.DECIDED, " ", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names its winner");
        assertThat(assignments.experiment(key).orElseThrow().status()).isEqualTo(Status.RUNNING);
    }

    @Test
    void theCustomersEntriesAreInTheirExportAndAnonymisedByTheirErasure() {
        String customer = "exp-" + key;
        client().putCustomer(customer, "{\"email\":\"" + customer + "@example.com\"}").expectStatus(201);
        Assignment assignment = assignments.enter(split, "welcome", "i-" + key, customer);
        Split other = new Split(key + "-b", List.of(new Variant("A", 50), new Variant("B", 50)), null, 0);
        assignments.enter(other, "upsell", "j-" + key, customer);

        JsonNode export = client().get("/api/v1/customers/" + customer + "/export").expectStatus(200).json()
                .path("experiments");
        assertThat(export).hasSize(2);
        assertThat(export.get(0).path("experiment").asText()).isEqualTo(key);
        assertThat(export.get(0).path("journey").asText()).isEqualTo("welcome");
        assertThat(export.get(0).path("journeyInstanceId").asText()).isEqualTo("i-" + key);
        assertThat(export.get(0).path("variant").asText()).isEqualTo(assignment.variant());
        assertThat(export.get(0).path("holdout").asBoolean()).isEqualTo(assignment.holdout());
        assertThat(export.get(0).path("enteredAt").asText()).isEqualTo(NOW.toString());
        assertThat(export.get(1).path("experiment").asText()).isEqualTo(key + "-b");

        client().delete("/api/v1/customers/" + customer).expectStatus(204);

        assertThat(jdbc.sql("select count(*) from sf_experiment_entry where customer_id = ?").param(customer)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select variant from sf_experiment_entry where experiment_key = ? and customer_id = ?")
                .params(key, PersonalData.anonymousId(customer)).query(String.class).list())
                .as("the experiment still counts the entry, under the anonymous id")
                .containsExactly(assignment.variant());
    }

    /** The first of c-0-key, c-1-key, … (but not {@code except}) whose bucket gives them this path in the split. */
    private String customerOf(String path, Split in, String... except) {
        for (int i = 0; ; i++) {
            String customer = "c-" + i + "-" + key;
            if (!List.of(except).contains(customer)
                    && ExperimentAssignments.assign(in, customer).variant().equals(path)) {
                return customer;
            }
        }
    }
}
