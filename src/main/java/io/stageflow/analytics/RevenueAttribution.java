package io.stageflow.analytics;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import io.stageflow.delivery.Outbox;
import io.stageflow.events.EventEffect;
import io.stageflow.offers.Coupons;
import io.stageflow.support.Sha256;
import io.stageflow.support.Tallies;
import io.stageflow.tracking.EngagementHistory;

import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Credits each {@code order_completed} to the journey email that led to it, as {@code stageflow.analytics.attribution}
 * says: the email that carried the coupon the order redeemed, or else the last journey email the customer clicked,
 * opened or received within the rule's window before the order (docs/analytics.md, "Revenue"). Runs after the coupon
 * redemption in the routing transaction, so it sees the redemption; an order no rule finds an email for is not
 * credited. An event routed again finds its row and credits nothing twice.
 */
@Component
@Order(EventEffect.ATTRIBUTION)
class RevenueAttribution implements EventEffect {

    private final JdbcClient jdbc;
    private final Tallies tallies;
    private final Coupons coupons;
    private final Outbox outbox;
    private final EngagementHistory engagement;
    private final AnalyticsProperties.Attribution settings;

    RevenueAttribution(JdbcClient jdbc, Tallies tallies, Coupons coupons, Outbox outbox,
            EngagementHistory engagement, AnalyticsProperties settings) {
        this.jdbc = jdbc;
        this.tallies = tallies;
        this.coupons = coupons;
        this.outbox = outbox;
        this.engagement = engagement;
        this.settings = settings.attribution();
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of("order_completed");
    }

    @Override
    public void apply(RoutedEvent routed) {
        String orderHash = Sha256.hex(routed.event().messageId());
        boolean credited = jdbc.sql("select count(*) from sf_attribution where order_hash = ?").param(orderHash)
                .query(Long.class).single() > 0;
        if (credited) {
            return;
        }
        Instant orderedAt = routed.event().occurredAt();
        for (AttributionRule rule : settings.rules()) {
            Optional<Credit> credit = find(rule, routed, orderedAt);
            if (credit.isPresent()) {
                insert(orderHash, routed, orderedAt, rule, credit.get());
                return;
            }
        }
    }

    private Optional<Credit> find(AttributionRule rule, RoutedEvent routed, Instant orderedAt) {
        String customer = routed.customerId();
        return switch (rule) {
            case COUPON -> coupons.creditFor(customer, routed.orderId()).map(coupon -> {
                Optional<Outbox.QueuedEmail> email = coupon.outboxKey() == null ? Optional.empty()
                        : outbox.findByIdempotencyKey(coupon.outboxKey());
                return new Credit(email.map(Outbox.QueuedEmail::id).orElse(null), coupon.journeyKey(),
                        coupon.stepId(), email.map(Outbox.QueuedEmail::templateKey).orElse(null), null);
            });
            case CLICKED -> engaged(since(orderedAt, settings.clickedWindow()), orderedAt, true, customer);
            case OPENED -> engaged(since(orderedAt, settings.openedWindow()), orderedAt, false, customer);
            case RECEIVED -> outbox.lastJourneyEmailSent(customer, since(orderedAt, settings.receivedWindow()),
                    orderedAt).map(sent -> new Credit(sent.email().id(), sent.email().journeyKey(),
                    sent.email().stepId(), sent.email().templateKey(), sent.sentAt()));
        };
    }

    private Optional<Credit> engaged(Instant since, Instant until, boolean clicks, String customer) {
        return (clicks ? engagement.lastClicked(customer, since, until) : engagement.lastOpened(customer, since, until))
                .map(email -> new Credit(email.outboxId(), email.journeyKey(), email.stepId(), email.templateKey(),
                        email.at()));
    }

    private static Instant since(Instant orderedAt, Duration window) {
        return orderedAt.minus(window);
    }

    private void insert(String orderHash, RoutedEvent routed, Instant orderedAt, AttributionRule rule,
            Credit credit) {
        String currency = routed.orderCurrency(settings.defaultCurrency());
        long cents = routed.orderAmount().movePointRight(2).longValueExact();
        jdbc.sql("""
                insert into sf_attribution (order_hash, customer_id, ordered_at, currency, amount_cents,
                                            attribution_rule, outbox_id, journey_key, step_id, template_key, engaged_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(orderHash, routed.customerId(), Timestamp.from(orderedAt), currency, cents, rule.apiName(),
                        credit.outboxId(), credit.journeyKey(), credit.stepId(), credit.templateKey(),
                        credit.engagedAt() == null ? null : Timestamp.from(credit.engagedAt()))
                .update();
        RevenueFigures.Credit figures = new RevenueFigures.Credit(credit.journeyKey(), credit.stepId(),
                credit.templateKey(), currency, rule);
        tallies.add(figures.orders(), orderedAt);
        tallies.add(figures.cents(), orderedAt, cents);
    }

    private record Credit(Long outboxId, String journeyKey, String stepId, String templateKey, Instant engagedAt) {
    }
}
