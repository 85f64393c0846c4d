package io.stageflow.loyalty;

import java.text.NumberFormat;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.stageflow.customers.Customer;
import io.stageflow.templates.TemplateExtras;

import org.springframework.stereotype.Component;

/**
 * {@code $loyalty} in templates: {@code balance}, {@code tier}, {@code nextTier} (empty at the top tier),
 * {@code pointsToNextTier} (0 at the top), {@code topTier}, and {@code balanceText}, the balance written in the
 * customer's locale ({@code 1,250}). A plain map, as Velocity reads no record components. A wave of emails costs one
 * read of its customers' accounts and one of their points in the tier window; a customer without points has a balance
 * of 0 in the lowest tier. Previews show a sample customer of the second tier (or the only one).
 */
@Component
class LoyaltyTemplateExtras implements TemplateExtras {

    /** The sample's balance and points in the window. */
    static final int SAMPLE_BALANCE = 1250;

    private final Loyalty loyalty;
    private final PointsLedger ledger;
    private final LoyaltyProperties settings;
    private final Clock clock;

    LoyaltyTemplateExtras(Loyalty loyalty, PointsLedger ledger, LoyaltyProperties settings, Clock clock) {
        this.loyalty = loyalty;
        this.ledger = ledger;
        this.settings = settings;
        this.clock = clock;
    }

    /** The wave's accounts with one read, and their window points with another. */
    @Override
    public Set<String> names() {
        return Set.of("loyalty");
    }

    @Override
    public Map<String, Map<String, Object>> forDeliveries(Map<String, Customer> recipientsByIdempotencyKey) {
        Set<String> customerIds = new LinkedHashSet<>();
        recipientsByIdempotencyKey.values().forEach(customer -> customerIds.add(customer.id()));
        Map<String, PointsLedger.Account> accounts = ledger.accounts(customerIds);
        Map<String, Long> windowPoints = accounts.isEmpty() ? Map.of()
                : ledger.windowPoints(accounts.keySet(), clock.instant().minus(settings.tierWindow()));
        Map<String, Map<String, Object>> entries = new HashMap<>();
        recipientsByIdempotencyKey.forEach((key, customer) -> entries.put(key, Map.of("loyalty",
                model(customer, loyalty.status(accounts.get(customer.id()),
                        windowPoints.getOrDefault(customer.id(), 0L), Map.of())))));
        return entries;
    }

    @Override
    public Map<String, Object> forPreview(Customer customer) {
        Tiers tiers = loyalty.tiers();
        Tiers.Tier tier = tiers.all().size() > 1 ? tiers.all().get(1) : tiers.lowest();
        Tiers.Tier next = tiers.above(tier.name());
        long window = next == null ? tier.threshold() : (tier.threshold() + next.threshold()) / 2;
        return Map.of("loyalty", model(customer, new Loyalty.Status(SAMPLE_BALANCE, tier.name(),
                next == null ? null : next.name(), next == null ? null : next.threshold() - window, window, Map.of())));
    }

    @Override
    public Map<String, Object> forCustomerWithoutData(Customer customer) {
        return Map.of("loyalty", model(customer, loyalty.status(null, 0, Map.of())));
    }

    static Map<String, Object> model(Customer customer, Loyalty.Status status) {
        Locale locale = customer.locale() == null ? Locale.ENGLISH : customer.preferredLocale();
        return Map.of("balance", status.balance(),
                "balanceText", NumberFormat.getIntegerInstance(locale).format(status.balance()),
                "tier", status.tier(),
                "nextTier", status.nextTier() == null ? "" : status.nextTier(),
                "pointsToNextTier", status.pointsToNextTier() == null ? 0L : status.pointsToNextTier(),
                "topTier", status.nextTier() == null);
    }
}
