package io.stageflow.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import io.stageflow.experiments.ExperimentAssignments.Split;
import io.stageflow.experiments.ExperimentAssignments.Variant;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The experiments API over real HTTP: the list (of all, or of one journey), the results of one, and a marketer's
 * decisions by hand, each recorded with the figures it was taken on; a winner that is no variant, a decision without
 * one and an unknown experiment get problems naming what is wrong. Roles are held by EndpointRolesTest.
 */
class ExperimentsApiTest extends IntegrationTest {

    @Autowired
    ExperimentAssignments assignments;

    private String experiment;
    private String journey;

    @BeforeEach
    void anExperimentWithEntrants() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        experiment = "api-test-" + run;
        journey = "api-journey-" + run;
        Split split = new Split(experiment, List.of(new Variant("Plain", 50), new Variant("Bold", 50)), "Holdout", 10);
        for (int i = 0; i < 30; i++) {
            assignments.enter(split, journey, "instance-" + run + "-" + i, "api-" + run + "-" + i);
        }
    }

    @Test
    void theResultsListEveryArmInOrderWithItsEntrantsAndNoDecisionYet() {
        JsonNode list = client().get("/api/v1/experiments?journey=" + journey).expectStatus(200).json();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("key").asText()).isEqualTo(experiment);
        assertThat(list.get(0).get("status").asText()).isEqualTo("RUNNING");

        JsonNode results = client().get("/api/v1/experiments/" + experiment).expectStatus(200).json();
        JsonNode arms = results.at("/verdict/arms");
        assertThat(arms.findValuesAsText("name")).containsExactly("Plain", "Bold", "Holdout");
        assertThat(arms.findValues("entered").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(30);
        assertThat(results.at("/verdict/decided").asBoolean()).isFalse();
        assertThat(results.at("/verdict/reason").asText()).contains("1,000");
        assertThat(results.at("/currency").asText()).isEqualTo("USD");
    }

    @Test
    void aMarketerDecidesByHandAndNewEntrantsTakeTheWinner() throws Exception {
        JsonNode decided = client().post("/api/v1/experiments/" + experiment + "/decision", "{\"winner\":\"Bold\"}")
                .expectStatus(200).json();
        assertThat(decided.get("status").asText()).isEqualTo("DECIDED");
        assertThat(decided.get("winner").asText()).isEqualTo("Bold");
        JsonNode decision = new com.fasterxml.jackson.databind.ObjectMapper().readTree(decided.get("decision").asText());
        assertThat(decision.at("/how").asText()).isEqualTo("by admin");
        assertThat(decision.at("/verdict/arms").size()).isEqualTo(3);

        Split split = new Split(experiment, List.of(new Variant("Plain", 50), new Variant("Bold", 50)), "Holdout", 10);
        for (int i = 0; i < 20; i++) {
            ExperimentAssignments.Assignment later = assignments.enter(split, journey, "later-" + experiment + i,
                    "later-" + experiment + "-" + i);
            assertThat(later.variant()).isIn("Bold", "Holdout");
        }

        JsonNode stopped = client().post("/api/v1/experiments/" + experiment + "/stop", "{}").expectStatus(200).json();
        assertThat(stopped.get("status").asText()).isEqualTo("STOPPED");
        assertThat(stopped.hasNonNull("winner")).as("stopped without a winner: split by weight again").isFalse();
    }

    @Test
    void badDecisionsGetProblemsNamingTheField() {
        var refused = client().post("/api/v1/experiments/" + experiment + "/decision", "{\"winner\":\"Italic\"}")
                .expectStatus(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        String unknownWinner = refused.body();
        assertThat(unknownWinner).contains("\"field\":\"winner\"", "'Italic' is not a variant", "Plain", "Bold");
        String noWinner = client().post("/api/v1/experiments/" + experiment + "/decision", "{}").expectStatus(400)
                .body();
        assertThat(noWinner).contains("\"field\":\"winner\"");
        String holdoutWinner = client().post("/api/v1/experiments/" + experiment + "/decision",
                "{\"winner\":\"Holdout\"}").expectStatus(400).body();
        assertThat(holdoutWinner).contains("'Holdout' is not a variant");
        client().get("/api/v1/experiments/no-such-experiment").expectStatus(404);
        client().post("/api/v1/experiments/no-such-experiment/decision", "{\"winner\":\"A\"}").expectStatus(404);
        assertThat(client().get("/api/v1/experiments/" + experiment).expectStatus(200).json()
                .at("/experiment/status").asText()).isEqualTo("RUNNING");
    }
}
