package io.stageflow.referrals;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stageflow.referrals.*}: {@code max-per-referrer}, how many friends one customer may bring in (accepted
 * referrals; more are rejected), and {@code refund-window}, how long after the friend's first order a refund
 * still revokes the referrer's unredeemed reward (the referral-reward journey's timer must match it).
 */
@ConfigurationProperties("stageflow.referrals")
record ReferralsProperties(@DefaultValue("50") int maxPerReferrer, @DefaultValue("P30D") Duration refundWindow) {
}
