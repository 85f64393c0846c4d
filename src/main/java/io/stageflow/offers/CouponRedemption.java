package io.stageflow.offers;

import java.util.Set;

import io.stageflow.events.EventEffect;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Redeems the coupon an {@code order_completed} event names in {@code couponCode}, in the routing transaction, so
 * the code is used exactly when the order is routed; the journeys get the answer as {@code couponRedemption}
 * (for example {@code valid} or {@code used}).
 */
@Component
@Order(EventEffect.COUPON_REDEMPTION)
class CouponRedemption implements EventEffect {

    private final Coupons coupons;

    CouponRedemption(Coupons coupons) {
        this.coupons = coupons;
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of("order_completed");
    }

    @Override
    public void apply(RoutedEvent routed) {
        String code = routed.text("couponCode");
        if (code != null) {
            CouponCheck redeemed = coupons.redeem(code, routed.customerId(), routed.orderId(), routed.orderAmount());
            routed.journeyVariables().put("couponRedemption", redeemed.apiName());
        }
    }
}
