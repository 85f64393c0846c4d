package io.stageflow.orders;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** {@link Orders} from the stored lines. */
@Service
class OrderBook implements Orders {

    private static final CartView NO_CART = new CartView(List.of(), null);

    private final OrderLines orders;
    private final CartLines carts;
    private final ProductViews views;

    OrderBook(OrderLines orders, CartLines carts, ProductViews views) {
        this.orders = orders;
        this.carts = carts;
        this.views = views;
    }

    @Override
    @Transactional(readOnly = true)
    public Map<String, List<String>> boughtProducts(Collection<String> customerIds) {
        return customerIds.isEmpty() ? Map.of() : orders.boughtProducts(new LinkedHashSet<>(customerIds));
    }

    @Override
    @Transactional(readOnly = true)
    public HistoryPage histories(String afterCustomerId, int lines) {
        String toLines = orders.pageEnd(afterCustomerId, lines);
        String toViews = views.pageEnd(afterCustomerId, lines);
        String to = toLines == null ? toViews : toViews == null || toLines.compareTo(toViews) <= 0 ? toLines : toViews;
        if (to == null) {
            return new HistoryPage(List.of(), null);
        }
        Map<String, List<Bought>> bought = orders.boughtBetween(afterCustomerId, to);
        Map<String, List<String>> viewed = views.viewedBetween(afterCustomerId, to);
        TreeSet<String> customers = new TreeSet<>(bought.keySet());
        customers.addAll(viewed.keySet());
        List<History> histories = new ArrayList<>(customers.size());
        for (String customer : customers) {
            histories.add(new History(customer, bought.getOrDefault(customer, List.of()),
                    viewed.getOrDefault(customer, List.of())));
        }
        return new HistoryPage(histories, to);
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<OrderView> latestOrder(String customerId) {
        return orders.latestOrderId(customerId).flatMap(orderId -> order(customerId, orderId));
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<OrderView> order(String customerId, String orderId) {
        List<OrderLines.Row> rows = orders.ofOrder(customerId, orderId);
        return rows.isEmpty() ? Optional.empty() : Optional.of(view(rows));
    }

    @Override
    @Transactional(readOnly = true)
    public CartView cart(String customerId) {
        List<Line> lines = carts.of(customerId);
        return new CartView(lines, lines.isEmpty() ? null : carts.updatedAt(customerId));
    }

    @Override
    @Transactional(readOnly = true)
    public Map<String, OrderView> latestOrders(Collection<String> customerIds) {
        Map<String, OrderView> latest = new HashMap<>();
        orders.latestOfCustomers(new LinkedHashSet<>(customerIds))
                .forEach((customer, rows) -> latest.put(customer, view(rows)));
        return latest;
    }

    @Override
    @Transactional(readOnly = true)
    public Map<String, CartView> carts(Collection<String> customerIds) {
        Map<String, CartView> stored = carts.ofCustomers(new LinkedHashSet<>(customerIds));
        Map<String, CartView> all = new HashMap<>();
        customerIds.forEach(customer -> all.put(customer, stored.getOrDefault(customer, NO_CART)));
        return all;
    }

    /** An order from its stored lines, which are not empty and in order. */
    private static OrderView view(List<OrderLines.Row> rows) {
        return new OrderView(rows.get(0).orderId(), rows.get(0).orderedAt(),
                rows.stream().map(OrderLines.Row::line).toList());
    }
}
