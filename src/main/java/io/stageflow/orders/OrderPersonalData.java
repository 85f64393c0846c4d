package io.stageflow.orders;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.stereotype.Component;

/** The customer's order lines, cart and product views: exported in full, deleted on erasure. */
@Component
class OrderPersonalData implements PersonalData {

    private final OrderLines orders;
    private final CartLines carts;
    private final ProductViews views;

    OrderPersonalData(OrderLines orders, CartLines carts, ProductViews views) {
        this.orders = orders;
        this.carts = carts;
        this.views = views;
    }

    @Override
    public String section() {
        return "ordersAndCart";
    }

    @Override
    public Object export(Customer customer) {
        Map<String, List<Orders.Line>> byOrder = new LinkedHashMap<>();
        Map<String, String> orderedAt = new LinkedHashMap<>();
        for (OrderLines.Row row : orders.ofCustomer(customer.id())) {
            byOrder.computeIfAbsent(row.orderId(), id -> new java.util.ArrayList<>()).add(row.line());
            orderedAt.putIfAbsent(row.orderId(), row.orderedAt().toString());
        }
        List<ExportedOrder> exported = byOrder.entrySet().stream()
                .map(order -> new ExportedOrder(order.getKey(), orderedAt.get(order.getKey()), order.getValue()))
                .toList();
        return new Exported(exported, carts.of(customer.id()), views.of(customer.id()));
    }

    @Override
    public void erase(Customer customer) {
        orders.deleteByCustomer(customer.id());
        carts.empty(customer.id());
        views.deleteByCustomer(customer.id());
    }

    record Exported(List<ExportedOrder> orders, List<Orders.Line> cart, List<ProductViews.View> productViews) {
    }

    record ExportedOrder(String orderId, String orderedAt, List<Orders.Line> lines) {
    }
}
