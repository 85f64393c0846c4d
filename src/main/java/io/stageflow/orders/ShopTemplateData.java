package io.stageflow.orders;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.stageflow.customers.Customer;
import io.stageflow.products.ProductView;
import io.stageflow.support.Money;
import io.stageflow.support.WebUrls;

/**
 * How {@code $cart}, {@code $order} and {@code $products} look to templates, for one customer: plain maps (Velocity
 * reads no record components) whose texts are never null (an empty text when there is none) and whose money is
 * written in the customer's locale and the amount's currency, as {@code $offer}'s is. A line shows the catalogue's
 * name, category, image, page and stock when the catalogue has the product, and the event's name otherwise; a cart
 * line's price is the catalogue's (today's) price, an order line's the price the event recorded (what was paid),
 * each falling back to the other. Only absolute http(s) URLs are handed on, so nothing else can reach an
 * {@code href} or {@code src}.
 */
final class ShopTemplateData {

    private final Locale locale;
    private final ZoneId zone;
    private final Map<String, ProductView> catalogue;

    private ShopTemplateData(Locale locale, ZoneId zone, Map<String, ProductView> catalogue) {
        this.locale = locale;
        this.zone = zone;
        this.catalogue = catalogue;
    }

    /** The data of emails to this customer, with these catalogue products at hand (by id). */
    static ShopTemplateData forCustomer(Customer customer, Map<String, ProductView> catalogue) {
        return new ShopTemplateData(customer.locale() == null ? Locale.ENGLISH : customer.preferredLocale(),
                customer.preferredZone(), catalogue);
    }

    /**
     * {@code $cart}: {@code lines}, {@code total} (empty when no line has a price, or they are in several
     * currencies), {@code itemCount} (the quantities added up), {@code empty} and {@code url}, the link back to it.
     */
    Map<String, Object> cart(Orders.CartView cart, String cartUrl) {
        List<Map<String, Object>> lines = new ArrayList<>();
        List<Priced> amounts = new ArrayList<>();
        for (Orders.Line line : cart.lines()) {
            lines.add(line(line, true, amounts));
        }
        return Map.of("lines", List.copyOf(lines), "total", total(amounts), "itemCount", itemCount(cart.lines()),
                "empty", lines.isEmpty(), "url", webUrl(cartUrl));
    }

    /** {@code $order}: {@code orderId}, {@code orderedAt} (a date in the customer's time zone), lines and total. */
    Map<String, Object> order(Orders.OrderView order) {
        List<Map<String, Object>> lines = new ArrayList<>();
        List<Priced> amounts = new ArrayList<>();
        for (Orders.Line line : order.lines()) {
            lines.add(line(line, false, amounts));
        }
        return Map.of("orderId", order.orderId(),
                "orderedAt", DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale)
                        .format(order.orderedAt().atZone(zone)),
                "lines", List.copyOf(lines), "total", total(amounts), "itemCount", itemCount(order.lines()));
    }

    /**
     * {@code $event}: the event's {@code type}, {@code occurredAt} (a date in the customer's time zone), the
     * {@code orderId} it is about (empty when it names none), its simple {@code properties} (texts, numbers, true or
     * false; nested values are left out) and the products it carries as {@code lines}, each at the price the event
     * gave, with their {@code total} and {@code itemCount}.
     */
    Map<String, Object> event(String type, Instant occurredAt, String orderId, Map<String, Object> properties,
            List<Orders.Line> eventLines) {
        List<Map<String, Object>> lines = new ArrayList<>();
        List<Priced> amounts = new ArrayList<>();
        for (Orders.Line line : eventLines) {
            lines.add(line(line, false, amounts));
        }
        Map<String, Object> simple = new HashMap<>();
        properties.forEach((name, value) -> {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                simple.put(name, value);
            }
        });
        return Map.of("type", type,
                "occurredAt", DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale)
                        .format(occurredAt.atZone(zone)),
                "orderId", text(orderId), "properties", Map.copyOf(simple), "lines", List.copyOf(lines),
                "total", total(amounts), "itemCount", itemCount(eventLines));
    }

    /** One product of the catalogue, for {@code $products.get(id)}. */
    Map<String, Object> product(ProductView product) {
        return Map.of("id", product.id(), "sku", text(product.sku()), "name", product.name(),
                "category", text(product.categoryPath()), "price", Money.format(product.price(), product.currency(),
                        locale),
                "url", webUrl(product.url()), "imageUrl", webUrl(product.imageUrl()), "inStock", product.inStock());
    }

    /** A line; its amount, when it has a price, is added to {@code amounts}. */
    private Map<String, Object> line(Orders.Line line, boolean catalogueFirst, List<Priced> amounts) {
        ProductView product = line.productId() == null ? null : catalogue.get(line.productId());
        Priced event = line.price() == null ? null : new Priced(line.price(), line.currency());
        Priced listed = product == null ? null : new Priced(product.price(), product.currency());
        Priced unit = catalogueFirst ? (listed != null ? listed : event) : (event != null ? event : listed);
        Priced amount = unit == null ? null : new Priced(unit.amount().multiply(BigDecimal.valueOf(line.quantity())),
                unit.currency());
        if (amount != null) {
            amounts.add(amount);
        }
        return Map.ofEntries(
                Map.entry("productId", text(line.productId())),
                Map.entry("sku", text(line.sku() != null || product == null ? line.sku() : product.sku())),
                Map.entry("name", product != null ? product.name() : firstText(line.name(), line.sku(),
                        line.productId())),
                Map.entry("category", product != null && product.categoryPath() != null ? product.categoryPath()
                        : text(line.category())),
                Map.entry("quantity", line.quantity()),
                Map.entry("price", unit == null ? "" : unit.formatted(locale)),
                Map.entry("amount", amount == null ? "" : amount.formatted(locale)),
                Map.entry("imageUrl", product == null ? "" : webUrl(product.imageUrl())),
                Map.entry("url", product == null ? "" : webUrl(product.url())),
                Map.entry("inStock", product == null || product.inStock()),
                Map.entry("inCatalogue", product != null));
    }

    private String total(List<Priced> amounts) {
        if (amounts.isEmpty() || amounts.stream().map(Priced::currency).distinct().count() > 1) {
            return "";
        }
        BigDecimal sum = amounts.stream().map(Priced::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Priced(sum, amounts.get(0).currency()).formatted(locale);
    }

    private static int itemCount(List<Orders.Line> lines) {
        long count = lines.stream().mapToLong(Orders.Line::quantity).sum();
        return (int) Math.min(count, Integer.MAX_VALUE);
    }

    /** The URL when it may stand in an {@code href} or {@code src}; an empty text otherwise. */
    static String webUrl(String url) {
        return url != null && WebUrls.isWebUrl(url.strip()) ? url.strip() : "";
    }

    private static String firstText(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return "";
    }

    private static String text(String value) {
        return Objects.requireNonNullElse(value, "");
    }

    /** An amount and its currency (null: unknown). */
    private record Priced(BigDecimal amount, String currency) {

        String formatted(Locale locale) {
            return Money.format(amount, currency, locale);
        }
    }
}
