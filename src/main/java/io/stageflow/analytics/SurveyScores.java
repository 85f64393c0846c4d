package io.stageflow.analytics;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Set;

import io.stageflow.events.EventEffect;
import io.stageflow.support.Sha256;
import io.stageflow.support.Tallies;

import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Records the score of each {@code survey_answered} event once, for NPS (docs/analytics.md, "NPS"): a row in
 * {@code sf_survey_score} keyed by the event's messageId, and a tally of series {@code nps} (subject: the survey,
 * figure: {@code SCORE_0} to {@code SCORE_10}) at the hour it was answered, and the same in series {@code nps-all}
 * for every survey together, which the report sums. An event whose
 * {@code score} is not a whole number from 0 to 10 is not a score and is not recorded; one routed again finds its row.
 */
@Component
@Order(EventEffect.SURVEY_SCORES)
class SurveyScores implements EventEffect {

    static final String SERIES = "nps";
    /** The same tallies for every survey together, so that the report for all surveys reads only its period. */
    static final String ALL_SURVEYS = "nps-all";
    static final String FIGURE = "SCORE_";
    /** The survey of an answer whose event names none. */
    static final String NO_SURVEY = "";

    private final JdbcClient jdbc;
    private final Tallies tallies;

    SurveyScores(JdbcClient jdbc, Tallies tallies) {
        this.jdbc = jdbc;
        this.tallies = tallies;
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of("survey_answered");
    }

    @Override
    public void apply(RoutedEvent routed) {
        Integer score = score(routed.event().properties().get("score"));
        if (score == null) {
            return;
        }
        String key = Sha256.hex(routed.event().messageId());
        boolean recorded = jdbc.sql("select count(*) from sf_survey_score where answer_key = ?").param(key)
                .query(Long.class).single() > 0;
        if (recorded) {
            return;
        }
        String survey = routed.text("survey") == null ? NO_SURVEY : routed.text("survey").strip();
        if (survey.length() > 255) {
            survey = survey.substring(0, 255);
        }
        Instant answeredAt = routed.event().occurredAt();
        jdbc.sql("insert into sf_survey_score (answer_key, customer_id, answered_at, survey, score)"
                        + " values (?, ?, ?, ?, ?)")
                .params(key, routed.customerId(), Timestamp.from(answeredAt), survey, score).update();
        tallies.add(new Tallies.Tally(SERIES, survey, 0, "", FIGURE + score), answeredAt);
        tallies.add(new Tallies.Tally(ALL_SURVEYS, "", 0, "", FIGURE + score), answeredAt);
    }

    /** A whole number from 0 to 10, given as a number or as text; otherwise null. */
    static Integer score(Object value) {
        String text = value instanceof Number || value instanceof String ? value.toString().strip() : "";
        if (text.matches("\\d{1,2}(\\.0+)?")) {
            int score = Integer.parseInt(text.replaceFirst("\\..*", ""));
            return score <= 10 ? score : null;
        }
        return null;
    }
}
