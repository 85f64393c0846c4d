package io.stageflow.orders;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** {@link Orders} from the stored lines. */
@Service
class OrderBook implements Orders {

    private final OrderLines orders;
    private final CartLines carts;

    OrderBook(OrderLines orders, CartLines carts) {
        this.orders = orders;
        this.carts = carts;
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
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OrderView(orderId, rows.get(0).orderedAt(),
                rows.stream().map(OrderLines.Row::line).toList()));
    }

    @Override
    @Transactional(readOnly = true)
    public CartView cart(String customerId) {
        List<Line> lines = carts.of(customerId);
        return new CartView(lines, lines.isEmpty() ? null : carts.updatedAt(customerId));
    }
}
