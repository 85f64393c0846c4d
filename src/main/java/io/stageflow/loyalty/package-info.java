/**
 * The loyalty programme: points earned per unit of currency spent and as bonuses for events, taken back by refunds,
 * expired after a while and redeemed through the API, in a ledger where each row records what caused it; and tiers
 * by the points earned over a rolling window, whose changes are recorded like stage changes and observed as the
 * events {@code loyalty_tier_upgraded} and {@code loyalty_tier_downgraded} (the tier-upgrade journey starts on the
 * first). Written in the routing transaction of the order events ({@code events.EventEffect}), read by the API, by
 * templates as {@code $loyalty} ({@code templates.TemplateExtras}) and on the console's customer page, exported and
 * erased with the customer ({@code customers.PersonalData}). docs/loyalty.md is the marketers' guide.
 */
package io.stageflow.loyalty;
