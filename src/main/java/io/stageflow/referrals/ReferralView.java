package io.stageflow.referrals;

import java.util.List;

/**
 * {@code GET /api/v1/customers/{id}/referral}: the customer's stable code and link, the referrals they made
 * ({@code referrals}) and the ones that named them as the friend ({@code referredBy}), each with its status
 * (linked, converted, refunded, rejected) and, when rejected, the reason.
 */
record ReferralView(String customerId, String code, String link, List<Entry> referrals, List<Entry> referredBy) {

    record Entry(String referrerId, String friendId, String status, String reason, String at, String event) {
    }
}
