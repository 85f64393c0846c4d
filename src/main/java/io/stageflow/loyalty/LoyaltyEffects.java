package io.stageflow.loyalty;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;

import io.stageflow.events.EventEffect;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The loyalty programme's part in routing: {@code order_completed} earns the order's points, {@code order_refunded}
 * takes them back, and each event type of {@code stageflow.loyalty.bonus} earns its bonus. Idempotent per order (and
 * per event for bonuses), whether the event is routed again after a rollback or the shop sends it again under a new
 * messageId.
 */
@Component
@Order(EventEffect.LOYALTY_POINTS)
class LoyaltyEffects implements EventEffect {

    private static final String ORDER_COMPLETED = "order_completed";
    private static final String ORDER_REFUNDED = "order_refunded";

    private final Loyalty loyalty;
    private final LoyaltyProperties settings;

    LoyaltyEffects(Loyalty loyalty, LoyaltyProperties settings) {
        this.loyalty = loyalty;
        this.settings = settings;
    }

    @Override
    public Set<String> eventTypes() {
        Set<String> types = new HashSet<>(settings.bonus().keySet());
        types.add(ORDER_COMPLETED);
        types.add(ORDER_REFUNDED);
        return Set.copyOf(types);
    }

    @Override
    public void apply(RoutedEvent routed) {
        String type = routed.event().type();
        String customerId = routed.customerId();
        if (ORDER_COMPLETED.equals(type)) {
            String currency = routed.orderCurrency("");
            loyalty.orderCompleted(customerId, routed.orderId(), routed.orderAmount(),
                    currency.isEmpty() ? null : currency, routed.event().occurredAt(), routed.event().messageId());
        } else if (ORDER_REFUNDED.equals(type)) {
            BigDecimal amount = routed.orderAmount();
            loyalty.orderRefunded(customerId, routed.orderId(), amount.signum() > 0 ? amount : null,
                    routed.event().occurredAt(), routed.event().messageId());
        }
        Integer bonus = settings.bonus().get(type);
        if (bonus != null) {
            loyalty.bonus(customerId, type, bonus, routed.event().occurredAt(), routed.event().messageId());
        }
    }
}
