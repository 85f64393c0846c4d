package io.stageflow.offers;

import java.time.Instant;

/** One coupon row. */
record Coupon(
        long id,
        String code,
        String offerKey,
        String customerId,
        CouponStatus status,
        int maxUses,
        int uses,
        String journeyKey,
        String journeyInstanceId,
        String stepId,
        String emailStepId,
        Instant createdAt,
        Instant issuedAt,
        Instant expiresAt,
        Instant redeemedAt,
        String statusReason) {
}
