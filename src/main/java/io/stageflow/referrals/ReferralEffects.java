package io.stageflow.referrals;

import java.util.Set;

import io.stageflow.customers.LifecycleStages;
import io.stageflow.customers.OrderStats;
import io.stageflow.events.EventEffect;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The referral program's part in routing: a {@code signed_up} event with {@code referralCode} links the friend
 * (the journeys get {@code referred}: true or false), the friend's first {@code order_completed} converts the
 * referral, and an {@code order_refunded} of that order within the refund window refunds it. After the order
 * counts, which tell the first order.
 */
@Component
@Order(EventEffect.REFERRALS)
class ReferralEffects implements EventEffect {

    private static final String SIGNED_UP = "signed_up";
    private static final String ORDER_COMPLETED = "order_completed";
    private static final String ORDER_REFUNDED = "order_refunded";

    private final Referrals referrals;
    private final LifecycleStages stages;

    ReferralEffects(Referrals referrals, LifecycleStages stages) {
        this.referrals = referrals;
        this.stages = stages;
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of(SIGNED_UP, ORDER_COMPLETED, ORDER_REFUNDED);
    }

    @Override
    public void apply(RoutedEvent routed) {
        switch (routed.event().type()) {
            case SIGNED_UP -> {
                String code = routed.text("referralCode");
                if (code != null) {
                    String rejected = referrals.signedUp(routed.customerId(), code.strip(), routed.event().messageId());
                    routed.journeyVariables().put("referred", rejected == null);
                }
            }
            case ORDER_COMPLETED -> {
                // Counted by the order rules just before (EventEffect.ORDER_COUNTS), in this transaction.
                if (stages.ordersOf(routed.customerId()).map(OrderStats::count).orElse(0) == 1) {
                    // A referred friend's first order: records referral_converted for the referrer (referral-reward).
                    referrals.firstOrder(routed.customerId(), routed.orderId());
                }
            }
            case ORDER_REFUNDED -> referrals.orderRefunded(routed.customerId(), routed.orderId());
            default -> {
                // not one of ours
            }
        }
    }
}
