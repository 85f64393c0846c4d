package io.stageflow.experiments;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.experiments.ExperimentAssignments.Experiment;
import io.stageflow.experiments.ExperimentAssignments.Status;
import io.stageflow.support.DatabaseTimestamps;
import io.stageflow.tracking.EngagementHistory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What each arm of an experiment did, and the decision: conversions (the journey instance reached its goal), revenue
 * per recipient (orders within {@code stageflow.experiments.revenue-window} of entering), and the sequential verdict
 * ({@link ExperimentStatistics}). It also records conversions as the journeys report them, and takes decisions: the
 * auto-winner's, the first time a verdict says a variant has won, and a marketer's by hand. Exists so that the API,
 * the console and the auto-winner read one set of figures.
 */
@Service
public class ExperimentResults {

    private static final Logger log = LoggerFactory.getLogger(ExperimentResults.class);

    private final JdbcClient jdbc;
    private final DatabaseTimestamps timestamps;
    private final ExperimentStore store;
    private final ExperimentAssignments assignments;
    private final ExperimentStatistics statistics;
    private final ExperimentsProperties settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final EngagementHistory engagements;

    ExperimentResults(JdbcClient jdbc, DatabaseTimestamps timestamps, ExperimentStore store,
            ExperimentAssignments assignments, ExperimentsProperties settings, ObjectMapper json, Clock clock,
            EngagementHistory engagements) {
        this.engagements = engagements;
        this.jdbc = jdbc;
        this.timestamps = timestamps;
        this.store = store;
        this.assignments = assignments;
        this.statistics = new ExperimentStatistics(settings);
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    /**
     * An experiment as recorded, with its figures and verdict now (revenue per recipient is in {@code currency}), and
     * each arm's opens and clicks.
     */
    public record Results(Experiment experiment, String currency, ExperimentVerdict verdict,
            List<ArmEngagement> engagement) {
    }

    /**
     * What an arm's customers did with its emails: how many of its entrants opened (a person, not an image proxy) and
     * clicked an email their journey instance sent, and those shares of its entrants. A holdout's are none.
     */
    public record ArmEngagement(String arm, long opened, long clicked, double openRate, double clickRate) {
    }

    /**
     * Counts the journey instance's conversion in every experiment it entered, in the caller's transaction (the
     * engine's, as the instance reaches its goal); an instance converts once.
     */
    public void converted(String journeyInstanceId, Instant at) {
        jdbc.sql("update sf_experiment_entry set converted_at = ? where journey_instance_id = ? and converted_at is null")
                .params(timestamps.of(at), journeyInstanceId).update();
    }

    /** The experiments, oldest first; of one journey when {@code journeyKey} is not null. */
    public List<Experiment> experiments(String journeyKey) {
        return store.experiments(journeyKey);
    }

    /** The experiment's figures, verdict and engagement now; empty when no customer has entered it. */
    public Optional<Results> results(String experimentKey) {
        return store.experiment(experimentKey).map(experiment -> {
            Results results = results(experiment);
            return new Results(experiment, results.currency(), results.verdict(), engagement(experiment,
                    results.verdict()));
        });
    }

    /** Each arm's opens and clicks, in the verdict's order of arms. */
    private List<ArmEngagement> engagement(Experiment experiment, ExperimentVerdict verdict) {
        Map<String, List<String>> instances = new HashMap<>();
        jdbc.sql("select variant, journey_instance_id from sf_experiment_entry where experiment_key = ?")
                .param(experiment.key())
                .query(rs -> {
                    instances.computeIfAbsent(rs.getString(1), arm -> new ArrayList<>()).add(rs.getString(2));
                });
        List<ArmEngagement> engagement = new ArrayList<>();
        for (ExperimentVerdict.Arm arm : verdict.arms()) {
            long opened = 0;
            long clicked = 0;
            for (EngagementHistory.InstanceEngagement engaged : engagements
                    .ofJourneyInstances(instances.getOrDefault(arm.name(), List.of())).values()) {
                opened += engaged.opened() ? 1 : 0;
                clicked += engaged.clicked() ? 1 : 0;
            }
            engagement.add(new ArmEngagement(arm.name(), opened, clicked,
                    arm.entered() == 0 ? 0 : (double) opened / arm.entered(),
                    arm.entered() == 0 ? 0 : (double) clicked / arm.entered()));
        }
        return engagement;
    }

    private Results results(Experiment experiment) {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, Boolean> holdouts = new HashMap<>();
        jdbc.sql("""
                select variant, holdout, count(*), count(converted_at) from sf_experiment_entry
                where experiment_key = ? group by variant, holdout""").param(experiment.key())
                .query(rs -> {
                    counts.merge(rs.getString(1), new long[] {rs.getLong(3), rs.getLong(4)},
                            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                    holdouts.merge(rs.getString(1), rs.getBoolean(2), Boolean::logicalOr);
                });
        Map<String, BigDecimal> revenue = new HashMap<>();
        jdbc.sql("""
                select e.variant, sum(o.amount_cents) from sf_experiment_order o
                join sf_experiment_entry e on e.id = o.entry_id
                where o.experiment_key = ? and o.currency = ? group by e.variant""")
                .params(experiment.key(), settings.currency())
                .query((rs, row) -> revenue.put(rs.getString(1), BigDecimal.valueOf(rs.getLong(2), 2))).list();

        List<String> variants = new ArrayList<>(experiment.variants());
        if (variants.isEmpty()) { // entered before the split's paths were remembered: the paths entries name
            counts.keySet().stream().filter(name -> !holdouts.getOrDefault(name, false)).sorted()
                    .limit(ExperimentStatistics.MAX_VARIANTS).forEach(variants::add);
        }
        List<ArmFigures> arms = new ArrayList<>();
        for (String variant : variants) {
            arms.add(arm(variant, false, counts, revenue));
        }
        String holdout = experiment.holdoutName() != null ? experiment.holdoutName()
                : holdouts.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).findFirst()
                        .orElse(null);
        if (holdout != null) {
            arms.add(arm(holdout, true, counts, revenue));
        }
        return new Results(experiment, settings.currency(), statistics.verdict(arms), List.of());
    }

    private static ArmFigures arm(String name, boolean holdout, Map<String, long[]> counts,
            Map<String, BigDecimal> revenue) {
        long[] entered = counts.getOrDefault(name, new long[2]);
        return new ArmFigures(name, holdout, entered[0], entered[1], revenue.getOrDefault(name, BigDecimal.ZERO));
    }

    /**
     * The auto-winner: decides each running experiment whose verdict now names a winner, recording the verdict it
     * was decided on. A decision is taken once and kept (the test's guarantee holds for the first time it says so);
     * an experiment decided or stopped meanwhile, by hand or by another node, is left as it is.
     *
     * @return how many experiments this look decided
     */
    public int decideWinners() {
        if (!settings.autoDecide()) {
            return 0;
        }
        int decided = 0;
        for (Experiment experiment : store.experiments(null)) {
            if (experiment.status() == Status.RUNNING && decideWinner(experiment)) {
                decided++;
            }
        }
        return decided;
    }

    /** The auto-winner for one experiment, whatever {@code stageflow.experiments.auto-decide} says: true if decided now. */
    boolean decideWinner(String experimentKey) {
        return store.experiment(experimentKey).filter(experiment -> experiment.status() == Status.RUNNING)
                .map(this::decideWinner).orElse(false);
    }

    private boolean decideWinner(Experiment experiment) {
        ExperimentVerdict verdict = results(experiment).verdict();
        if (verdict.decided() && verdict.winner().isPresent()
                && store.decideIfRunning(experiment.key(), verdict.winner().get(), decision("auto-winner", verdict),
                        clock.instant())) {
            log.info("Experiment '{}' of journey '{}' decided: '{}' won ({})", experiment.key(),
                    experiment.journeyKey(), verdict.winner().get(), verdict.reason());
            return true;
        }
        return false;
    }

    /**
     * A marketer's decision: the experiment ends {@code DECIDED} for {@code winner}, or {@code STOPPED} (with a
     * winner for new entrants, or none to keep splitting by weight), with the figures at the time.
     *
     * @throws IllegalArgumentException when the winner is none of the experiment's variants, or a decision has no
     *                                  winner
     */
    @Transactional
    public Optional<Experiment> decideByHand(String experimentKey, Status status, String winner, String by) {
        Optional<Experiment> experiment = store.experiment(experimentKey);
        if (experiment.isEmpty()) {
            return Optional.empty();
        }
        Results results = results(experiment.get());
        String named = winner == null || winner.isBlank() ? null : winner.strip();
        if (named != null && results.verdict().arms().stream().noneMatch(arm -> !arm.holdout()
                && arm.name().equals(named))) {
            throw new IllegalArgumentException("'" + named + "' is not a variant of experiment '" + experimentKey
                    + "'; its variants are " + results.verdict().arms().stream().filter(arm -> !arm.holdout())
                            .map(ExperimentVerdict.Arm::name).toList());
        }
        return Optional.of(assignments.decide(experimentKey, status, named, decision("by " + by, results.verdict())));
    }

    private String decision(String how, ExperimentVerdict verdict) {
        try {
            return json.writeValueAsString(Map.of("how", how, "verdict", verdict));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The verdict could not be written as JSON", e);
        }
    }
}
