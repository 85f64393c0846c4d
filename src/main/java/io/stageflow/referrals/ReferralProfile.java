package io.stageflow.referrals;

import java.util.ArrayList;
import java.util.List;

import io.stageflow.customers.ProfileSection;

import org.springframework.stereotype.Component;

/**
 * The customer's referrals on their console page: their code (when they have one: looking never makes one), the
 * friends they referred with each referral's status, and who referred them.
 */
@Component
class ReferralProfile implements ProfileSection {

    private final Referrals referrals;

    ReferralProfile(Referrals referrals) {
        this.referrals = referrals;
    }

    @Override
    public String title() {
        return "Referrals";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public List<Line> linesOf(String customerId) {
        List<Line> lines = new ArrayList<>();
        referrals.existingCodeOf(customerId).ifPresent(code -> lines.add(new Line("Referral code", code)));
        for (ReferralView.Entry made : referrals.entriesMadeBy(customerId)) {
            lines.add(new Line("Referred " + made.friendId(), status(made)));
        }
        for (ReferralView.Entry received : referrals.entriesNaming(customerId)) {
            lines.add(new Line("Referred by " + received.referrerId(), status(received)));
        }
        return lines;
    }

    private static String status(ReferralView.Entry entry) {
        return entry.status() + (entry.reason() == null ? "" : " (" + entry.reason() + ")") + ", " + entry.at();
    }
}
