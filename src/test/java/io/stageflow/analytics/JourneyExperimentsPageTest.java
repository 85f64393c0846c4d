package io.stageflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.stageflow.experiments.ExperimentAssignments;
import io.stageflow.experiments.ExperimentAssignments.Split;
import io.stageflow.experiments.ExperimentAssignments.Status;
import io.stageflow.experiments.ExperimentAssignments.Variant;
import io.stageflow.security.Roles;
import io.stageflow.testing.ConsoleSession;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The journey page's experiments panel over real HTTP, as a browser's session has it: each arm's figures formatted
 * for people, the verdict's reason, the forms to decide or stop for marketers and not for operators, a decision by
 * the form recorded and shown on the page it returns to, and a winner that is no variant changing nothing. Roles
 * are held by EndpointRolesTest, the page in a real browser by ConsoleBrowserTest.
 */
class JourneyExperimentsPageTest extends IntegrationTest {

    private static final String PASSWORD = "Experiments-page-42";
    private static final String JOURNEY = "win-back";

    @Autowired
    ExperimentAssignments assignments;

    private String experiment;

    /**
     * An experiment of the win-back journey with exact figures: Plain 40 entered and 4 converted (10%), Bold 40 and
     * 10 (25%), the holdout 10 and 1 (10%), the reference.
     */
    @BeforeEach
    void anExperimentWithEntrantsAndConversions() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        experiment = "page-test-" + run;
        Split split = new Split(experiment, List.of(new Variant("Plain", 50), new Variant("Bold", 50)),
                "Held <out>", 10);
        assignments.enter(split, JOURNEY, "page-" + run + "-first", "page-" + run + "-first");
        jdbc.sql("delete from sf_experiment_entry where experiment_key = ?").param(experiment).update();
        entries(run, "Plain", false, 40, 4);
        entries(run, "Bold", false, 40, 10);
        entries(run, "Held <out>", true, 10, 1);
    }

    private void entries(String run, String variant, boolean holdout, int entered, int converted) {
        Timestamp at = Timestamp.from(Instant.now());
        for (int i = 0; i < entered; i++) {
            String id = "page-" + run + "-" + variant.charAt(0) + i;
            jdbc.sql("""
                    insert into sf_experiment_entry (experiment_key, journey_key, journey_instance_id, customer_id,
                        variant, holdout, entered_at, converted_at) values (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(experiment, JOURNEY, id, id, variant, holdout, at, i < converted ? at : null).update();
        }
    }

    @Test
    void thePanelShowsEachArmsFiguresForPeopleAndTheVerdictsReason() {
        String page = ConsoleSession.signIn(baseUrl(), newUser(Roles.OPERATOR, PASSWORD), PASSWORD)
                .get("/journeys/" + JOURNEY);
        String panel = panel(page);

        assertThat(panel).contains("Running");
        assertThat(row(panel, "Plain")).as("no email of these made-up entries was opened or clicked")
                .startsWith("Plain 40 4 10.0% 0.0%, 0.0% 0.00 USD 0.0 pts (");
        assertThat(row(panel, "Bold")).startsWith("Bold 40 10 25.0% 0.0%, 0.0% 0.00 USD +15.0 pts (")
                .containsPattern("\\+15\\.0 pts \\(\u2212\\d+\\.\\d to \\+\\d+\\.\\d\\) \\+150\\.0% \\(")
                .containsPattern(" (\\d\\.\\d{3}|< 0\\.001)$");
        assertThat(row(panel, "Held &lt;out&gt;")).as("the holdout, escaped, is the reference")
                .isEqualTo("Held &lt;out&gt; holdout 10 1 10.0% – 0.00 USD reference");
        assertThat(panel).as("the arms in order").containsSubsequence("data-arm=\"Plain\"", "data-arm=\"Bold\"",
                "data-arm=\"Held &lt;out&gt;\"");
        assertThat(panel).contains("needs 1,000 entrants per arm").doesNotContain("<out>");
        assertThat(panel).as("an operator gets no forms").doesNotContain("<form");
    }

    @Test
    void aMarketerDecidesByTheFormAndReturnsToTheJourneyPage() {
        ConsoleSession console = ConsoleSession.signIn(baseUrl(), newUser(Roles.MARKETER, PASSWORD), PASSWORD);
        String panel = panel(console.get("/journeys/" + JOURNEY));
        assertThat(panel).contains("action=\"/journeys/win-back/experiments/" + experiment + "/decision\"",
                "action=\"/journeys/win-back/experiments/" + experiment + "/stop\"", "name=\"_csrf\"");
        String decide = panel.substring(panel.indexOf("class=\"decide\""), panel.indexOf("class=\"stop\""));
        assertThat(decide).as("the variants, not the holdout").contains("<option value=\"Plain\">",
                "<option value=\"Bold\">").doesNotContain("Held");

        HttpResponse<String> decided = console.post("/journeys/" + JOURNEY + "/experiments/" + experiment
                + "/decision", "winner=Bold");
        assertThat(decided.statusCode()).isEqualTo(302);
        assertThat(decided.headers().firstValue("Location").orElseThrow()).endsWith("/journeys/" + JOURNEY);
        ExperimentAssignments.Experiment now = assignments.experiment(experiment).orElseThrow();
        assertThat(now.status()).isEqualTo(Status.DECIDED);
        assertThat(now.winner()).isEqualTo("Bold");
        assertThat(now.decision()).contains("\"how\":\"by ");

        String after = console.get("/journeys/" + JOURNEY);
        assertThat(after).contains("Experiment " + experiment + ": Decided for Bold on ");
        assertThat(panel(after)).contains("Decided for Bold on ");
        assertThat(row(panel(after), "Bold")).startsWith("Bold winner 40");

        HttpResponse<String> stopped = console.post("/journeys/" + JOURNEY + "/experiments/" + experiment + "/stop",
                "winner=");
        assertThat(stopped.statusCode()).isEqualTo(302);
        now = assignments.experiment(experiment).orElseThrow();
        assertThat(now.status()).isEqualTo(Status.STOPPED);
        assertThat(now.winner()).as("stopped without a winner").isNull();
        assertThat(panel(console.get("/journeys/" + JOURNEY))).contains("Stopped on ")
                .as("a stopped experiment has no forms").doesNotContain("<form");
    }

    @Test
    void aWinnerThatIsNoVariantChangesNothingAndThePageSaysWhy() {
        ConsoleSession console = ConsoleSession.signIn(baseUrl(), newUser(Roles.MARKETER, PASSWORD), PASSWORD);
        for (String winner : List.of("Italic", "Held <out>", "")) {
            HttpResponse<String> refused = console.post("/journeys/" + JOURNEY + "/experiments/" + experiment
                    + "/decision", "winner=" + URLEncoder.encode(winner, StandardCharsets.UTF_8));
            assertThat(refused.statusCode()).isEqualTo(302);
            assertThat(refused.headers().firstValue("Location").orElseThrow()).endsWith("/journeys/" + JOURNEY);
            String page = console.get("/journeys/" + JOURNEY);
            assertThat(page).as(winner).contains(winner.isEmpty() ? "Nothing was decided: choose the variant"
                    : "Nothing changed: &#39;" + winner.replace("<", "&lt;").replace(">", "&gt;")
                            + "&#39; is not a variant");
            assertThat(assignments.experiment(experiment).orElseThrow().status()).isEqualTo(Status.RUNNING);
        }
        assertThat(console.post("/journeys/" + JOURNEY + "/experiments/no-such-experiment/decision", "winner=Bold")
                .statusCode()).isEqualTo(404);
        assertThat(console.post("/journeys/welcome/experiments/" + experiment + "/decision", "winner=Bold")
                .statusCode()).as("another journey's experiment").isEqualTo(404);
        assertThat(assignments.experiment(experiment).orElseThrow().status()).isEqualTo(Status.RUNNING);
    }

    /** The experiment's card on the page. */
    private String panel(String page) {
        int start = page.indexOf("data-experiment=\"" + experiment + "\"");
        assertThat(start).as("the experiment's card in " + page).isNotNegative();
        return page.substring(start, page.indexOf("</article>", start));
    }

    /** An arm's row as text: its cells without tags, separated by single spaces. */
    private static String row(String panel, String arm) {
        int start = panel.indexOf("data-arm=\"" + arm + "\"");
        assertThat(start).as(arm + " in " + panel).isNotNegative();
        String row = panel.substring(panel.indexOf('>', start) + 1, panel.indexOf("</tr>", start));
        return row.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip();
    }
}
