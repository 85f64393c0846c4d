package io.stageflow.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the properties that several features read are understood (an order's id, money, a currency), in one place, so
 * that an order is the same order to the stage rules, the ledger and the order lines. Intake ({@code StrictIntake})
 * has checked what it accepted; these only read.
 */
public final class EventProperties {

    /** The order properties, most specific first: Stageflow's {@code orderId}, Segment e-commerce v2's {@code order_id}. */
    static final List<String> ORDER_ID = List.of("orderId", "order_id");

    private EventProperties() {
    }

    /** The order an event is about: the first of {@code orderId}, {@code order_id} it carries, or else its messageId. */
    public static String orderId(Map<String, Object> properties, String messageId) {
        for (String property : ORDER_ID) {
            Object orderId = properties == null ? null : properties.get(property);
            if (orderId != null && !(orderId instanceof Map) && !(orderId instanceof Collection)
                    && !orderId.toString().isBlank()) {
                return orderId.toString();
            }
        }
        return messageId;
    }

    /**
     * A money value as intake accepts it (a JSON number, or a string holding a plain decimal number), rounded half up
     * to cents; null for anything else.
     */
    public static BigDecimal money(Object value) {
        if (value instanceof Number number) {
            return new BigDecimal(number.toString()).setScale(2, RoundingMode.HALF_UP);
        }
        if (value instanceof String text && text.strip().matches("-?\\d{1,15}(\\.\\d{1,30})?")) {
            return new BigDecimal(text.strip()).setScale(2, RoundingMode.HALF_UP);
        }
        return null;
    }

    /** A currency code: the value in upper case when it is three letters, otherwise null. */
    public static String currency(Object value) {
        return value instanceof String text && text.strip().matches("[A-Za-z]{3}")
                ? text.strip().toUpperCase(Locale.ROOT) : null;
    }
}
