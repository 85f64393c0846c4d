package io.stageflow.products;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.stageflow.support.ControlCharacters;
import io.stageflow.support.WebUrls;
import io.stageflow.web.FieldViolation;

/**
 * What a product must be, whether it comes through the API or a CSV import, and how it is stored: text trimmed,
 * the category path's segments trimmed and joined by {@code " > "}, the currency in capitals, the price with two
 * decimals. URLs end up in emails, so only absolute {@code http} and {@code https} URLs are taken: never
 * {@code javascript:}, {@code data:} or a relative path.
 */
final class ProductRules {

    static final String ID_RULE = "must be 1 to 100 letters, digits or . _ : @ + -";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+-]{1,100}");

    static final int MAX_SKU = 100;
    static final int MAX_NAME = 300;
    static final int MAX_CATEGORY_PATH = 500;
    static final int MAX_URL = 2000;
    /** The separator of a category path's segments, as stored and as a prefix filter matches it. */
    static final String CATEGORY_SEPARATOR = " > ";

    /**
     * Exclusive bound of a price: the same as every money amount Stageflow takes ({@code DECIMAL(14,2)}, the
     * events' {@code MONEY_LIMIT}), kept with two decimals.
     */
    static final BigDecimal PRICE_LIMIT = new BigDecimal("1000000000000");
    static final String PRICE_RULE = "must be a number from 0 to 999999999999.99 with at most two decimals";
    static final String URL_RULE = "must be an absolute http or https URL of at most " + MAX_URL + " characters";

    private ProductRules() {
    }

    static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Every rule the id and the product break, each naming its field; empty when both are fine. */
    static List<FieldViolation> violations(String id, ProductUpsert product) {
        List<FieldViolation> violations = new ArrayList<>();
        if (id == null || id.isEmpty()) {
            violations.add(new FieldViolation("id", "is required"));
        } else if (!isValidId(id)) {
            violations.add(new FieldViolation("id", ID_RULE));
        }
        text("sku", product.sku(), MAX_SKU, false, violations);
        text("name", product.name(), MAX_NAME, true, violations);
        categoryPath(product.categoryPath(), violations);
        if (product.price() == null) {
            violations.add(new FieldViolation("price", "is required"));
        } else if (!isPrice(product.price())) {
            violations.add(new FieldViolation("price", PRICE_RULE));
        }
        if (product.currency() == null || product.currency().isBlank()) {
            violations.add(new FieldViolation("currency", "is required"));
        } else if (!isCurrency(product.currency())) {
            violations.add(new FieldViolation("currency", "must be an ISO 4217 currency code such as EUR or USD"));
        }
        url("url", product.url(), violations);
        url("imageUrl", product.imageUrl(), violations);
        if (product.inStock() == null) {
            violations.add(new FieldViolation("inStock", "is required: true or false"));
        }
        return violations;
    }

    /** The product as stored: to be called on a product without {@link #violations}. */
    static ProductUpsert normalized(ProductUpsert product) {
        return new ProductUpsert(blankToNull(product.sku()), product.name().strip(),
                product.categoryPath() == null || product.categoryPath().isBlank() ? null
                        : categoryPath(product.categoryPath()),
                product.price().setScale(2), product.currency().strip().toUpperCase(Locale.ROOT),
                blankToNull(product.url()), blankToNull(product.imageUrl()), product.inStock());
    }

    /**
     * A category path with its segments trimmed and joined by {@link #CATEGORY_SEPARATOR}; null when a segment is
     * empty ({@code "Shoes >"}, {@code "> Running"}).
     */
    static String categoryPath(String path) {
        List<String> segments = Arrays.stream(path.split(">", -1)).map(String::strip).toList();
        if (segments.stream().anyMatch(String::isEmpty)) {
            return null;
        }
        return segments.stream().collect(Collectors.joining(CATEGORY_SEPARATOR));
    }

    private static void categoryPath(String value, List<FieldViolation> violations) {
        if (value == null || value.isBlank()) {
            return;
        }
        if (ControlCharacters.in(value)) {
            violations.add(new FieldViolation("categoryPath", ControlCharacters.RULE));
            return;
        }
        String path = categoryPath(value);
        if (path == null) {
            violations.add(new FieldViolation("categoryPath",
                    "must be category names separated by >, such as Shoes > Running, none of them empty"));
        } else if (path.length() > MAX_CATEGORY_PATH) {
            violations.add(new FieldViolation("categoryPath", "must be at most " + MAX_CATEGORY_PATH + " characters"));
        }
    }

    private static boolean isPrice(BigDecimal price) {
        return price.signum() >= 0 && price.stripTrailingZeros().scale() <= 2 && price.compareTo(PRICE_LIMIT) < 0;
    }

    private static boolean isCurrency(String code) {
        String upper = code.strip().toUpperCase(Locale.ROOT);
        if (!upper.matches("[A-Z]{3}")) {
            return false;
        }
        return Currency.getAvailableCurrencies().stream().anyMatch(currency -> currency.getCurrencyCode().equals(upper));
    }

    /** A text field's length and characters. */
    private static void text(String field, String value, int max, boolean required,
            List<FieldViolation> violations) {
        if (value == null || value.isBlank()) {
            if (required) {
                violations.add(new FieldViolation(field, "is required"));
            }
        } else if (ControlCharacters.in(value)) {
            violations.add(new FieldViolation(field, ControlCharacters.RULE));
        } else if (value.strip().length() > max) {
            violations.add(new FieldViolation(field, "must be at most " + max + " characters"));
        }
    }

    private static void url(String field, String value, List<FieldViolation> violations) {
        if (value != null && !value.isBlank() && !isWebUrl(value.strip())) {
            violations.add(new FieldViolation(field, URL_RULE));
        }
    }

    /** An absolute http or https URL with a host ({@link WebUrls}), of at most {@link #MAX_URL} characters. */
    static boolean isWebUrl(String value) {
        return value.length() <= MAX_URL && WebUrls.isWebUrl(value);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
