package io.stageflow.experiments;

import io.stageflow.delivery.MarketingHoldout;

import org.springframework.stereotype.Component;

/**
 * The global control group ({@code stageflow.experiments.global-control-share}, off by default): a fixed share of all
 * customers who get no marketing email at all, from any journey or broadcast, while transactional email still goes.
 * Comparing what they buy with what everyone else buys gives the incremental revenue of the whole programme, which no
 * single experiment can show. Membership is the customer's bucket of the experiment key {@value #KEY}, as a split's
 * is: fixed for the customer, never random, and the same on every node; raising the share adds customers, lowering it
 * releases some, and nobody moves from one side to the other otherwise.
 */
@Component
public class GlobalControl implements MarketingHoldout {

    /** The key the group's buckets are drawn for. */
    public static final String KEY = "global-control";

    private final int share;

    public GlobalControl(ExperimentsProperties settings) {
        this.share = settings.globalControlShare();
    }

    /** Whether there is a group at all. */
    public boolean enabled() {
        return share > 0;
    }

    /** The share of customers in the group, in per cent. */
    public int share() {
        return share;
    }

    /** Whether the customer is in the group. */
    public boolean isMember(String customerId) {
        return share > 0 && ExperimentAssignments.bucket(KEY, customerId) < share * (ExperimentAssignments.BUCKETS / 100);
    }

    @Override
    public boolean holdsBack(String customerId) {
        return isMember(customerId);
    }

    @Override
    public String reason() {
        return "The customer is in the global control group (" + share + "% of customers,"
                + " stageflow.experiments.global-control-share), which gets no marketing email";
    }
}
