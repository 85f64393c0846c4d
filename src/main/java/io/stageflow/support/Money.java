package io.stageflow.support;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/**
 * An amount as an email shows it ({@code €5.00}, {@code 5,00 €}): in the reader's locale and the amount's currency,
 * so that offers and carts write money the same way.
 */
public final class Money {

    private Money() {
    }

    /**
     * The amount in {@code currency} (ISO 4217) as {@code locale} writes money; a plain number with two decimals when
     * the currency is unknown (null or not ISO 4217).
     */
    public static String format(BigDecimal amount, String currency, Locale locale) {
        Currency known = currencyOf(currency);
        if (known == null) {
            NumberFormat plain = NumberFormat.getNumberInstance(locale);
            plain.setMinimumFractionDigits(2);
            plain.setMaximumFractionDigits(2);
            return plain.format(amount);
        }
        NumberFormat format = NumberFormat.getCurrencyInstance(locale);
        format.setCurrency(known);
        return format.format(amount);
    }

    private static Currency currencyOf(String code) {
        try {
            return code == null ? null : Currency.getInstance(code);
        } catch (IllegalArgumentException notIso4217) {
            return null;
        }
    }
}
