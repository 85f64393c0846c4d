package io.stageflow.customers;

import java.util.Set;

import io.stageflow.events.EventEffect;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The built-in order rules, as an effect of {@code order_completed}: counts the order, moves the customer's stage
 * ({@link LifecycleStages#orderCompleted}), and gives the journeys the customer's order count as
 * {@code orderCount} (unless the event carries its own). First of the effects, so that the others and the
 * journeys see the order counted.
 */
@Component
@Order(EventEffect.ORDER_COUNTS)
class OrderRules implements EventEffect {

    private static final String ORDER_COMPLETED = "order_completed";

    private final LifecycleStages stages;

    OrderRules(LifecycleStages stages) {
        this.stages = stages;
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of(ORDER_COMPLETED);
    }

    @Override
    public void apply(RoutedEvent routed) {
        int orderCount = stages.orderCompleted(routed.customerId(), routed.orderAmount(), routed.event().occurredAt(),
                routed.event().messageId());
        routed.journeyVariables().putIfAbsent("orderCount", orderCount);
    }
}
