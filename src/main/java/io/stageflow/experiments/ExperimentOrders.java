package io.stageflow.experiments;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stageflow.events.EventEffect;
import io.stageflow.support.DatabaseTimestamps;

import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Credits each order to the experiments its customer entered within {@code stageflow.experiments.revenue-window}
 * before it, for each arm's revenue per recipient: to the customer's latest entry of each experiment up to the order's
 * time, once per order (its key is the customer and the order id, so an order routed or posted again counts once).
 * Applied in the routing transaction, so an order counts exactly when the router has accepted it.
 */
@Component
@Order(EventEffect.EXPERIMENT_REVENUE)
class ExperimentOrders implements EventEffect {

    private final JdbcClient jdbc;
    private final DatabaseTimestamps timestamps;
    private final ExperimentsProperties settings;

    ExperimentOrders(JdbcClient jdbc, DatabaseTimestamps timestamps, ExperimentsProperties settings) {
        this.jdbc = jdbc;
        this.timestamps = timestamps;
        this.settings = settings;
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of("order_completed");
    }

    @Override
    public void apply(RoutedEvent routed) {
        Instant orderedAt = routed.event().occurredAt();
        // The latest entry of each experiment in the window: a customer who entered twice is credited once.
        Map<String, Long> latestEntries = new LinkedHashMap<>();
        jdbc.sql("""
                select experiment_key, id from sf_experiment_entry
                where customer_id = ? and entered_at <= ? and entered_at > ?
                order by entered_at, id""")
                .params(routed.customerId(), timestamps.of(orderedAt),
                        timestamps.of(orderedAt.minus(settings.revenueWindow())))
                .query((rs, row) -> latestEntries.put(rs.getString(1), rs.getLong(2))).list();
        if (latestEntries.isEmpty()) {
            return;
        }
        String orderKey = routed.orderKey();
        String currency = routed.orderCurrency(settings.currency());
        long cents = routed.orderAmount().movePointRight(2).longValueExact();
        latestEntries.forEach((experimentKey, entryId) -> {
            List<Long> credited = jdbc.sql("select entry_id from sf_experiment_order where entry_id = ? and order_key = ?")
                    .params(entryId, orderKey).query(Long.class).list();
            if (credited.isEmpty()) {
                jdbc.sql("""
                        insert into sf_experiment_order (entry_id, order_key, experiment_key, currency, amount_cents,
                                                         ordered_at)
                        values (?, ?, ?, ?, ?, ?)""")
                        .params(entryId, orderKey, experimentKey, currency, cents, timestamps.of(orderedAt)).update();
            }
        });
    }
}
