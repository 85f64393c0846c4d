package io.stageflow.customers;

import java.util.List;

/**
 * What a feature knows about one customer, for their page in the console: offers show the customer's coupons,
 * referrals their code and the friends they brought. The console lists every section of every feature without
 * knowing the features, as {@link PersonalData} does for the export.
 */
public interface ProfileSection {

    /** The section's heading, e.g. "Coupons". */
    String title();

    /** Where the section goes among the others: lower first. */
    int order();

    /** The section's lines for the customer; empty when the feature knows nothing of them (the page says so). */
    List<Line> linesOf(String customerId);

    /**
     * One line of a section: what it is and what of it.
     *
     * @param label  e.g. a coupon's code
     * @param value  e.g. "welcome-10, issued, expires 2026-12-31"
     */
    record Line(String label, String value) {
    }
}
