package io.stageflow.customers;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The lifecycle stage model ({@code stageflow.customers.lifecycle.*}): the stage names in order, the first being where a
 * new customer starts, and which stages the built-in order rules move a customer to. A business that names its
 * stages differently changes them here, and the journeys' "Set lifecycle stage" steps are checked against them.
 */
@ConfigurationProperties("stageflow.customers.lifecycle")
public record LifecycleProperties(
        @DefaultValue({"AWARENESS", "ENGAGEMENT", "CONVERSION", "ONBOARDING", "RETENTION", "EXPANSION", "ADVOCACY",
                "LAPSED"}) List<String> stages,
        @DefaultValue Rules rules) {

    /**
     * Built-in rules, applied when an {@code order_completed} event is routed. {@code firstOrder}: the stages a
     * first order passes through (the last is where it stays). {@code repeatOrder}: the stage the
     * {@code repeatOrderCount}-th order reaches. {@code lapsed} and {@code reactivated}: an order from a lapsed
     * customer brings them back. Rules only ever move a customer forward in {@code stages}, never back.
     */
    public record Rules(
            @DefaultValue({"CONVERSION", "ONBOARDING"}) List<String> firstOrder,
            @DefaultValue("RETENTION") String repeatOrder,
            @DefaultValue("2") int repeatOrderCount,
            @DefaultValue("LAPSED") String lapsed,
            @DefaultValue("RETENTION") String reactivated) {
    }

    public LifecycleProperties {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("stageflow.customers.lifecycle.stages must name at least one stage");
        }
        for (String stage : stages) {
            if (!stage.matches("[A-Z][A-Z0-9_]{0,31}")) {
                throw new IllegalArgumentException("stageflow.customers.lifecycle.stages: '" + stage
                        + "' is not a stage name (upper-case letters, digits and _, at most 32)");
            }
        }
        List<String> named = new ArrayList<>(rules.firstOrder());
        named.addAll(List.of(rules.repeatOrder(), rules.lapsed(), rules.reactivated()));
        for (String stage : named) {
            if (!stages.contains(stage)) {
                throw new IllegalArgumentException("stageflow.customers.lifecycle.rules names stage '" + stage
                        + "', which is not in stageflow.customers.lifecycle.stages " + stages);
            }
        }
    }

    /** Where a new customer starts. */
    public String initialStage() {
        return stages.get(0);
    }
}
