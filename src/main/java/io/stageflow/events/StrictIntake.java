package io.stageflow.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.support.ControlCharacters;
import io.stageflow.web.FieldViolation;

import org.springframework.stereotype.Component;

/**
 * The rules an event must pass at the door, whichever API it comes through ({@code /api/v1/events} or Segment's
 * {@code /v1/*}), so that nothing accepted with a 202 can fail later for what it holds: ids are JSON strings
 * without control characters, the timestamp is an ISO-8601 string inside a sane window, and money and counts
 * fit the columns and process variables they end up in. Each rule adds a {@link FieldViolation} naming the field.
 */
@Component
class StrictIntake {

    /**
     * Exclusive bound of a money amount after rounding to cents: the narrowest column an order total reaches is
     * {@code sf_coupon_redemption.order_total DECIMAL(14,2)}.
     */
    static final BigDecimal MONEY_LIMIT = new BigDecimal("1000000000000");
    static final long MAX_QUANTITY = 1_000_000;

    /** Event properties that hold money; {@code total} and {@code revenue} become an order's value. */
    private static final List<String> MONEY = List.of("total", "revenue", "price");
    private static final String QUANTITY = "quantity";
    /** Segment's e-commerce spec lists an order's items here, each with its own price and quantity. */
    private static final String PRODUCTS = "products";
    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,30}(\\.\\d{1,30})?");

    private static final String MONEY_RULE = "must be a finite number from -999999999999.99 to 999999999999.99"
            + " (amounts are kept with two decimals)";
    static final String TIMESTAMP_RULE =
            "must be an ISO-8601 date-time string with an offset, such as 2026-11-24T09:30:00Z";
    private static final String TIMESTAMP = "timestamp";
    private static final String QUANTITY_RULE = "must be a whole number from 0 to " + MAX_QUANTITY;
    private static final String PRICE = "price";
    private static final String PRODUCT_PRICE_RULE = "must be a finite number from 0 to 999999999999.99"
            + " (a product's price is kept with two decimals)";
    /** The longest order id kept: order lines and carts store it ({@code sf_order_line.order_id}). */
    static final int MAX_ORDER_ID = 100;

    private final Clock clock;
    private final Instant earliest;
    private final EventsProperties properties;

    StrictIntake(Clock clock, EventsProperties properties) {
        this.clock = clock;
        this.earliest = properties.earliestTimestamp();
        this.properties = properties;
    }

    /**
     * A field that, when present, must be a JSON string without control characters: numbers and booleans are not
     * turned into text. False after adding a violation.
     */
    boolean checkText(JsonNode object, String field, String prefix, List<FieldViolation> violations) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return true;
        }
        if (!value.isTextual()) {
            violations.add(new FieldViolation(prefix + field, "must be a JSON string"));
            return false;
        }
        if (ControlCharacters.in(value.textValue())) {
            violations.add(new FieldViolation(prefix + field, ControlCharacters.RULE));
            return false;
        }
        return true;
    }

    /** Each of these fields, as {@link #checkText}; false when any failed. */
    boolean checkTexts(JsonNode object, List<String> fields, String prefix, List<FieldViolation> violations) {
        boolean valid = true;
        for (String field : fields) {
            valid &= checkText(object, field, prefix, violations);
        }
        return valid;
    }

    /**
     * {@code timestamp}, when present, must be text: Jackson would read a number as seconds since 1970, and Segment's
     * libraries always send ISO-8601. False after adding a violation.
     */
    boolean checkTimestampText(JsonNode object, String prefix, List<FieldViolation> violations) {
        return checkTimeText(object, TIMESTAMP, prefix, violations);
    }

    /** {@link #checkTimestampText} for another time field ({@code sentAt}, {@code originalTimestamp}). */
    boolean checkTimeText(JsonNode object, String field, String prefix, List<FieldViolation> violations) {
        JsonNode value = object.get(field);
        if (value != null && !value.isNull() && !value.isTextual()) {
            violations.add(new FieldViolation(prefix + field, TIMESTAMP_RULE));
            return false;
        }
        return true;
    }

    /** An event's time, when given: not before the earliest accepted instant, not further ahead than allowed. */
    void checkTimestamp(Instant timestamp, String field, List<FieldViolation> violations) {
        if (timestamp == null) {
            return;
        }
        Instant latest = clock.instant().plus(properties.timestampMaxAhead());
        if (timestamp.isBefore(earliest) || timestamp.isAfter(latest)) {
            violations.add(new FieldViolation(field, "must lie between " + earliest + " and "
                    + properties.timestampMaxAhead().toString().substring(2).toLowerCase(Locale.ROOT) + " from now"));
        }
    }

    /**
     * The properties of an event: money ({@code total}, {@code revenue}, {@code price}) and {@code quantity},
     * also of each item in {@code products}, must fit where they are stored, and a product's {@code price} is not
     * negative; an order id ({@code orderId}, {@code order_id}) fits its column; any other number must be one a
     * process variable can hold (a 64-bit whole number or a finite double). {@code path} ends with a dot.
     */
    void checkProperties(JsonNode properties, String path, List<FieldViolation> violations) {
        if (properties == null || !properties.isObject()) {
            return;
        }
        checkAmounts(properties, path, violations);
        JsonNode products = properties.get(PRODUCTS);
        if (products != null && products.isArray()) {
            for (int i = 0; i < products.size(); i++) {
                if (products.get(i).isObject()) {
                    String at = path + PRODUCTS + "[" + i + "].";
                    if (checkAmounts(products.get(i), at, violations)) {
                        checkProductPrice(products.get(i), at, violations);
                    }
                }
            }
        }
        for (String orderId : EventProperties.ORDER_ID) {
            JsonNode value = properties.get(orderId);
            if (value != null && value.isValueNode() && value.asText().length() > MAX_ORDER_ID) {
                violations.add(new FieldViolation(path + orderId, "must be at most " + MAX_ORDER_ID + " characters"));
            }
        }
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            String name = property.getKey();
            if (!MONEY.contains(name) && !QUANTITY.equals(name) && property.getValue().isNumber()
                    && !fitsAVariable(property.getValue())) {
                violations.add(new FieldViolation(path + name,
                        "must be a finite number; whole numbers must fit in 64 bits"));
            }
        }
    }

    /** The money and quantity of an object; false after adding a violation. */
    private static boolean checkAmounts(JsonNode object, String path, List<FieldViolation> violations) {
        int before = violations.size();
        for (String money : MONEY) {
            JsonNode value = object.get(money);
            if (value != null && !value.isNull() && !isMoney(value)) {
                violations.add(new FieldViolation(path + money, MONEY_RULE));
            }
        }
        JsonNode quantity = object.get(QUANTITY);
        if (quantity != null && !quantity.isNull() && !isQuantity(quantity)) {
            violations.add(new FieldViolation(path + QUANTITY, QUANTITY_RULE));
        }
        return violations.size() == before;
    }

    /**
     * A product's price, already money ({@link #checkAmounts}), is not below zero: it becomes an order or cart line
     * (a discount is the order's, not a product's). Segment's {@code Product Added} carries its product at the top.
     */
    void checkProductPrice(JsonNode product, String path, List<FieldViolation> violations) {
        JsonNode price = product.get(PRICE);
        if (price != null && !price.isNull() && decimal(price).setScale(2, RoundingMode.HALF_UP).signum() < 0) {
            violations.add(new FieldViolation(path + PRICE, PRODUCT_PRICE_RULE));
        }
    }

    /** A JSON number, or a string holding a plain decimal number, that rounds to cents within the limit. */
    static boolean isMoney(JsonNode value) {
        BigDecimal amount = decimal(value);
        return amount != null && amount.setScale(2, RoundingMode.HALF_UP).abs().compareTo(MONEY_LIMIT) < 0;
    }

    private static boolean isQuantity(JsonNode value) {
        BigDecimal count = value.isNumber() ? decimal(value) : null;
        return count != null && count.stripTrailingZeros().scale() <= 0 && count.signum() >= 0
                && count.compareTo(BigDecimal.valueOf(MAX_QUANTITY)) <= 0;
    }

    private static BigDecimal decimal(JsonNode value) {
        if (value.isTextual()) {
            String text = value.textValue().strip();
            return DECIMAL.matcher(text).matches() ? new BigDecimal(text) : null;
        }
        if (!value.isNumber() || value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())
                && !value.isBigDecimal()) {
            return null;
        }
        return value.decimalValue();
    }

    private static boolean fitsAVariable(JsonNode number) {
        if (number.isIntegralNumber()) {
            return number.canConvertToLong();
        }
        return Double.isFinite(number.doubleValue());
    }
}
