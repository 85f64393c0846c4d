package io.stageflow.customers;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.support.Tallies;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Where each customer is in the lifecycle, and how they move: by a journey's "Set lifecycle stage" step, and by
 * the built-in order rules (first order: CONVERSION, then ONBOARDING; the second: RETENTION; an order while
 * LAPSED: back to RETENTION), which events' order effect applies as orders are routed. Every move is recorded with
 * its cause. Each call runs in the caller's transaction, so an event routed twice after a rollback moves the customer
 * once.
 */
@Service
public class LifecycleStages {

    /**
     * The tally series of stage moves ({@link Tallies}): subject the stage left, element the stage entered, figure
     * {@link #FLOW_FIGURE}, counted at the time of the move. Stage analytics read flows and churn from it.
     */
    public static final String FLOW_SERIES = "stage";
    public static final String FLOW_FIGURE = "MOVED";

    private static final Logger log = LoggerFactory.getLogger(LifecycleStages.class);

    private final StageStore store;
    private final LifecycleProperties model;
    private final Clock clock;

    LifecycleStages(StageStore store, LifecycleProperties model, Clock clock) {
        this.store = store;
        this.model = model;
        this.clock = clock;
    }

    /** The configured stages, in order. */
    public List<String> stages() {
        return model.stages();
    }

    /**
     * The stages a customer is in once they have bought: from the first stage a first order brings
     * ({@code rules.first-order}, CONVERSION by default) to the end of the list, except the lapsed stage.
     */
    public List<String> postConversionStages() {
        List<String> stages = model.stages();
        int first = stages.indexOf(model.rules().firstOrder().get(0));
        return stages.subList(first, stages.size()).stream().filter(stage -> !stage.equals(lapsedStage())).toList();
    }

    /** The stage of customers who stopped buying ({@code rules.lapsed}, LAPSED by default). */
    public String lapsedStage() {
        return model.rules().lapsed();
    }

    /** The tally that counts one move from {@code from} (null: none, counted as "") to {@code to}. */
    public static Tallies.Tally flow(String from, String to) {
        return new Tallies.Tally(FLOW_SERIES, from == null ? "" : from, 0, to, FLOW_FIGURE);
    }

    public boolean isStage(String name) {
        return model.stages().contains(name);
    }

    /**
     * Puts the customer in {@code stage}, whatever stage they are in (a journey's decision); false when they
     * were in it already or do not exist.
     */
    @Transactional
    public boolean moveTo(String customerId, String stage, String cause, String reference) {
        return move(customerId, stage, false, cause, reference);
    }

    /**
     * Puts the customer in {@code stage} only if it is ahead of where they are, as the built-in rules do: a
     * welcome journey's "engaged" must not undo the ONBOARDING an order already brought.
     */
    @Transactional
    public boolean advanceTo(String customerId, String stage, String cause, String reference) {
        return move(customerId, stage, true, cause, reference);
    }

    private boolean move(String customerId, String stage, boolean forwardOnly, String cause, String reference) {
        if (!isStage(stage)) {
            throw new IllegalArgumentException("'" + stage + "' is not a lifecycle stage; stages are " + model.stages());
        }
        return store.lockAndRead(customerId)
                .filter(current -> !forwardOnly || isAhead(stage, current.stage()))
                .map(current -> change(customerId, current.stage(), stage, cause, reference))
                .orElse(false);
    }

    /**
     * Counts the order and applies the built-in rules; {@code reference} is the event's messageId. Returns the
     * customer's order count including this one (0 for an unknown customer).
     */
    @Transactional
    public int orderCompleted(String customerId, BigDecimal amount, Instant orderedAt, String reference) {
        Optional<StageStore.Lifecycle> locked = store.lockAndRead(customerId);
        if (locked.isEmpty()) {
            return 0;
        }
        store.recordOrder(customerId, amount == null ? BigDecimal.ZERO : amount, orderedAt);
        LifecycleProperties.Rules rules = model.rules();
        String stage = locked.get().stage();
        int orders = locked.get().orders().count() + 1;
        if (stage.equals(rules.lapsed())) {
            change(customerId, stage, rules.reactivated(), "rule:reactivated-by-order", reference);
        } else if (orders == 1) {
            for (String next : rules.firstOrder()) {
                if (isAhead(next, stage)) {
                    change(customerId, stage, next, "rule:first-order", reference);
                    stage = next;
                }
            }
        } else if (orders == rules.repeatOrderCount() && isAhead(rules.repeatOrder(), stage)) {
            change(customerId, stage, rules.repeatOrder(), "rule:repeat-order", reference);
        }
        return orders;
    }

    @Transactional(readOnly = true)
    public Optional<String> stageOf(String customerId) {
        return store.read(customerId).map(StageStore.Lifecycle::stage);
    }

    /** What the customer has bought so far, as counted up to now (in the caller's transaction: this order too). */
    @Transactional(readOnly = true)
    public Optional<OrderStats> ordersOf(String customerId) {
        return store.read(customerId).map(StageStore.Lifecycle::orders);
    }

    @Transactional(readOnly = true)
    public List<StageChange> history(String customerId) {
        return store.history(customerId);
    }

    /** How many customers are in each stage, every configured stage listed, in order. */
    @Transactional(readOnly = true)
    public Map<String, Long> counts() {
        Map<String, Long> stored = store.counts();
        Map<String, Long> counts = new LinkedHashMap<>();
        model.stages().forEach(stage -> counts.put(stage, stored.getOrDefault(stage, 0L)));
        stored.forEach(counts::putIfAbsent); // a stage since removed from the configuration still shows
        return counts;
    }

    Optional<StageStore.Lifecycle> lifecycleOf(String customerId) {
        return store.read(customerId);
    }

    /** Rules move forward only: a customer already past {@code target} stays where they are. */
    private boolean isAhead(String target, String current) {
        return model.stages().indexOf(target) > model.stages().indexOf(current);
    }

    private boolean change(String customerId, String from, String to, String cause, String reference) {
        if (from.equals(to)) {
            return false;
        }
        store.changeStage(customerId, new StageChange(from, to, clock.instant(), cause, reference));
        log.debug("Customer {} moved from {} to {} ({})", customerId, from, to, cause);
        return true;
    }
}
