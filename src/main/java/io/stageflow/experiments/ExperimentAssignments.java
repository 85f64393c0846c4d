package io.stageflow.experiments;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.stageflow.support.Sha256;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who goes where in an experiment: the deterministic assignment of a customer to one path of a split, its record
 * ({@code sf_experiment_entry}, and the experiment itself in {@code sf_experiment}), and the decision that ends the
 * experiment.
 *
 * <p>A customer's bucket is the first 8 bytes of SHA-256 of {@code experimentKey + ":" + customerId}, as an unsigned
 * number, modulo {@value #BUCKETS}. The holdout takes the first {@code holdoutShare} per cent of the buckets; the
 * variants share the rest in their declared order, each in proportion to its weight (the weights sum to 100, the
 * holdout outside them). Nothing else goes in: not the journey, its version or the time, and nothing random, so a
 * customer who enters again, or enters a newer version of the journey, lands on the same path. On top of that,
 * {@link #enter} keeps a customer on the path of their first entry while the split still has it (so a change of
 * weights moves only new customers), and once the experiment is decided (or stopped with a winner) every entrant
 * outside the holdout takes the winner; the holdout keeps its customers, and instances already on a path finish it.
 */
@Service
public class ExperimentAssignments {

    private static final Logger log = LoggerFactory.getLogger(ExperimentAssignments.class);

    /** How many buckets customers are hashed into: a share is known to a hundredth of a per cent. */
    public static final int BUCKETS = 10_000;
    /** An experiment key: lower-case letters, digits and hyphens, starting with a letter or digit, at most 60. */
    public static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,59}");
    /** At least and at most this many variants in a split, besides the holdout. */
    public static final int MIN_VARIANTS = 2;
    public static final int MAX_VARIANTS = 5;
    /** The largest holdout share, in per cent of all entrants. */
    public static final int MAX_HOLDOUT_SHARE = 50;

    /** Where an experiment stands. */
    public enum Status {
        /** Entrants are split by weight. */
        RUNNING,
        /** A winner was chosen: new entrants outside the holdout take it. */
        DECIDED,
        /** Ended early; with a winner, new entrants outside the holdout take it, without one they are split as before. */
        STOPPED
    }

    /** Why an entrant got their path. */
    public enum Basis {
        /** Their bucket. */
        BUCKET,
        /** Their first entry of the experiment, whose path the split still has. */
        EARLIER_ENTRY,
        /** The experiment's winner. */
        WINNER
    }

    /** One variant of a split: its name (unique in the split, whatever the case) and its weight, 1 to 100. */
    public record Variant(String name, int weight) {

        public Variant {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("A variant needs a name");
            }
            if (weight < 1 || weight > 100) {
                throw new IllegalArgumentException("Variant '" + name + "' has weight " + weight + "; use 1 to 100");
            }
        }
    }

    /**
     * A split as a journey declares it: the experiment, its variants in declared order (their weights summing to
     * 100), and the holdout's name and share of all entrants in per cent (0 and a null name for none).
     */
    public record Split(String experimentKey, List<Variant> variants, String holdoutName, int holdoutShare) {

        public Split {
            if (experimentKey == null || !KEY.matcher(experimentKey).matches()) {
                throw new IllegalArgumentException("Experiment key '" + experimentKey
                        + "': use lower-case letters, digits and hyphens");
            }
            variants = List.copyOf(variants);
            if (variants.size() < MIN_VARIANTS || variants.size() > MAX_VARIANTS) {
                throw new IllegalArgumentException("Experiment '" + experimentKey + "' has " + variants.size()
                        + " variants; use " + MIN_VARIANTS + " to " + MAX_VARIANTS);
            }
            if (variants.stream().mapToInt(Variant::weight).sum() != 100) {
                throw new IllegalArgumentException("Experiment '" + experimentKey + "': the weights sum to "
                        + variants.stream().mapToInt(Variant::weight).sum() + ", not 100");
            }
            Set<String> names = new HashSet<>();
            for (Variant variant : variants) {
                if (!names.add(variant.name().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("Experiment '" + experimentKey + "' names two variants '"
                            + variant.name() + "'");
                }
            }
            if (holdoutShare < 0 || holdoutShare > MAX_HOLDOUT_SHARE) {
                throw new IllegalArgumentException("Experiment '" + experimentKey + "' has a holdout share of "
                        + holdoutShare + "; use 0 to " + MAX_HOLDOUT_SHARE);
            }
            if ((holdoutShare > 0) != (holdoutName != null && !holdoutName.isBlank())) {
                throw new IllegalArgumentException("Experiment '" + experimentKey
                        + "': a holdout needs both a name and a share above 0");
            }
            if (holdoutName != null && names.contains(holdoutName.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("Experiment '" + experimentKey + "': the holdout '" + holdoutName
                        + "' has a variant's name");
            }
        }

        /** The variant of this name, whatever its case; empty when the split has none. */
        public Optional<Variant> variant(String name) {
            return variants.stream().filter(variant -> variant.name().equalsIgnoreCase(name)).findFirst();
        }

        public boolean hasHoldout() {
            return holdoutShare > 0;
        }
    }

    /**
     * A customer's path in an experiment: the variant's name (the holdout's name for the holdout), whether it is the
     * holdout, their bucket, and why they got it.
     */
    public record Assignment(String experimentKey, String variant, boolean holdout, int bucket, Basis basis) {
    }

    /** An experiment as recorded: created at its first entry, then running until it is decided or stopped. */
    public record Experiment(String key, String journeyKey, Instant createdAt, Status status, String winner,
            Instant decidedAt, String decision, List<String> variants, String holdoutName) {

        public Experiment {
            variants = variants == null ? List.of() : List.copyOf(variants);
        }
    }

    private final ExperimentStore store;
    private final Clock clock;

    ExperimentAssignments(ExperimentStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The customer's bucket in the experiment, 0 to {@value #BUCKETS} - 1. */
    public static int bucket(String experimentKey, String customerId) {
        long first8Bytes = Long.parseUnsignedLong(Sha256.hex(experimentKey + ":" + customerId).substring(0, 16), 16);
        return (int) Long.remainderUnsigned(first8Bytes, BUCKETS);
    }

    /** The path the customer's bucket gives them in the split, with no record and no decision taken into account. */
    public static Assignment assign(Split split, String customerId) {
        int bucket = bucket(split.experimentKey(), customerId);
        int holdoutBuckets = split.holdoutShare() * (BUCKETS / 100);
        if (bucket < holdoutBuckets) {
            return new Assignment(split.experimentKey(), split.holdoutName(), true, bucket, Basis.BUCKET);
        }
        // The rest of the buckets, in proportion to the weights: variant i takes position p when
        // p / (BUCKETS - holdout) < (weights up to and including i) / 100, computed exactly in integers.
        long position = bucket - holdoutBuckets;
        long rest = BUCKETS - holdoutBuckets;
        int cumulative = 0;
        for (Variant variant : split.variants()) {
            cumulative += variant.weight();
            if (position * 100 < cumulative * rest) {
                return new Assignment(split.experimentKey(), variant.name(), false, bucket, Basis.BUCKET);
            }
        }
        throw new IllegalStateException("The weights of experiment '" + split.experimentKey() + "' sum to 100");
    }

    /**
     * Enters the customer into the split's experiment from this journey instance, in the caller's transaction (the
     * journey step's): creates the experiment at its first entry, picks the path (the path of the customer's first
     * entry while the split still has it, otherwise their bucket's; the winner instead, outside the holdout, once the
     * experiment is decided or stopped with one), and records the entry at the clock's time. An instance that passes
     * the split again (a loop) gets the same path and is recorded once.
     */
    @Transactional
    public Assignment enter(Split split, String journeyKey, String journeyInstanceId, String customerId) {
        Instant now = clock.instant();
        Experiment experiment = store.experiment(split.experimentKey())
                .orElseGet(() -> store.create(split.experimentKey(), journeyKey, now));
        List<String> variants = split.variants().stream().map(Variant::name).toList();
        String holdoutName = split.hasHoldout() ? split.holdoutName() : null;
        if (!variants.equals(experiment.variants()) || !Objects.equals(holdoutName, experiment.holdoutName())) {
            store.describe(split.experimentKey(), variants, holdoutName);
        }
        Optional<ExperimentStore.Entry> ofThisInstance = store.entryOf(split.experimentKey(), journeyInstanceId);
        if (ofThisInstance.isPresent()) {
            ExperimentStore.Entry entry = ofThisInstance.get();
            return new Assignment(split.experimentKey(), entry.variant(), entry.holdout(),
                    bucket(split.experimentKey(), customerId), Basis.EARLIER_ENTRY);
        }
        Assignment assignment = pick(split, customerId, experiment);
        store.insertEntry(split.experimentKey(), journeyKey, journeyInstanceId, customerId, assignment.variant(),
                assignment.holdout(), now);
        return assignment;
    }

    private Assignment pick(Split split, String customerId, Experiment experiment) {
        Assignment byBucket = assign(split, customerId);
        Assignment base = store.firstEntry(split.experimentKey(), customerId)
                .filter(first -> first.holdout() ? split.hasHoldout() : split.variant(first.variant()).isPresent())
                .map(first -> new Assignment(split.experimentKey(),
                        first.holdout() ? split.holdoutName() : split.variant(first.variant()).orElseThrow().name(),
                        first.holdout(), byBucket.bucket(), Basis.EARLIER_ENTRY))
                .orElse(byBucket);
        String winner = experiment.status() == Status.RUNNING ? null : experiment.winner();
        if (winner == null || base.holdout()) {
            return base;
        }
        Optional<Variant> won = split.variant(winner);
        if (won.isEmpty()) {
            log.warn("Experiment '{}' was decided for '{}', which its split in journey '{}' no longer has; splitting"
                    + " by weight", split.experimentKey(), winner, experiment.journeyKey());
            return base;
        }
        return new Assignment(split.experimentKey(), won.get().name(), false, base.bucket(), Basis.WINNER);
    }

    /**
     * Records the end of an experiment: {@code DECIDED} with its winner, or {@code STOPPED} with a winner or none,
     * and what the decision was made on ({@code decision}, JSON text such as the statistics at the time, or null), at
     * the clock's time. From then on new entrants outside the holdout take the winner; customers already on a path
     * finish it. A later decision replaces an earlier one.
     *
     * @return the experiment as recorded now
     * @throws IllegalArgumentException for an experiment no one has entered yet, RUNNING as an outcome, or DECIDED
     *                                  without a winner
     */
    @Transactional
    public Experiment decide(String experimentKey, Status status, String winner, String decision) {
        if (status == null || status == Status.RUNNING) {
            throw new IllegalArgumentException("Decide an experiment as DECIDED or STOPPED, not " + status);
        }
        String named = winner == null || winner.isBlank() ? null : winner.strip();
        if (status == Status.DECIDED && named == null) {
            throw new IllegalArgumentException("Experiment '" + experimentKey + "': a decision names its winner");
        }
        if (!store.decide(experimentKey, status, named, decision, clock.instant())) {
            throw new IllegalArgumentException("No experiment '" + experimentKey + "': no customer has entered it yet");
        }
        return store.experiment(experimentKey).orElseThrow();
    }

    /** The experiment as recorded; empty until a customer enters it. */
    public Optional<Experiment> experiment(String experimentKey) {
        return store.experiment(experimentKey);
    }
}
