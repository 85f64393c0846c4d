package io.stageflow.offers;

import java.math.BigDecimal;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code stageflow.offers.definitions}: offers kept with the configuration, by key; written to the database at
 * every start, and not changeable through the API.
 */
@ConfigurationProperties("stageflow.offers")
record OffersProperties(Map<String, Definition> definitions) {

    OffersProperties {
        definitions = definitions == null ? Map.of() : Map.copyOf(definitions);
    }

    /** One offer as written in YAML; {@code validityDays} 30 and {@code maxUses} 1 by default. */
    record Definition(OfferDefinition.Kind kind, BigDecimal value, String currency, Integer validityDays,
            BigDecimal minimumOrder, String category, Integer maxUses) {

        OfferDefinition toOffer(String key) {
            return new OfferDefinition(key, kind, value, currency, validityDays == null ? 30 : validityDays,
                    minimumOrder, category, maxUses == null ? 1 : maxUses, Offers.SOURCE_CONFIGURATION);
        }
    }
}
