package io.stageflow.events;

import java.util.Set;

import io.stageflow.customers.LifecycleStages;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The built-in order rules, as an effect of {@code order_completed}: counts the order, moves the customer's stage
 * ({@link LifecycleStages#orderCompleted}, where customers keeps the rules), and gives the journeys the customer's
 * order count as {@code orderCount}: Stageflow's own count always, since a shop's count may start elsewhere or lag. An
 * {@code orderCount} the event carries stays on the stored event and reaches the journeys renamed
 * {@value #SHOP_ORDER_COUNT}. First of the effects, so that the others and the journeys see the order counted. It lives
 * here, not in customers, because events sits above customers (intake creates and updates profiles): events is the
 * feature that applies events to profiles, at intake and when they are routed.
 */
@Component
@Order(EventEffect.ORDER_COUNTS)
class OrderRules implements EventEffect {

    private static final String ORDER_COMPLETED = "order_completed";
    static final String ORDER_COUNT = "orderCount";
    /** What a shop-sent {@code orderCount} is called in the journeys' variables. */
    static final String SHOP_ORDER_COUNT = "shopOrderCount";

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
        Object shopCount = routed.journeyVariables().put(ORDER_COUNT, orderCount);
        if (shopCount != null) {
            routed.journeyVariables().put(SHOP_ORDER_COUNT, shopCount);
        }
    }
}
