package io.stageflow.orders;

import io.stageflow.support.WebUrls;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code stageflow.orders.*}: where emails send a customer back to their cart.
 *
 * @param cartUrl the link back to the cart in emails ({@code $cart.url}), an absolute http or https URL; when none
 *                is set, the brand's website ({@code stageflow.templates.brand.website-url})
 */
@ConfigurationProperties("stageflow.orders")
record OrdersProperties(String cartUrl) {

    OrdersProperties {
        cartUrl = cartUrl == null || cartUrl.isBlank() ? null : cartUrl.strip();
        if (cartUrl != null && !WebUrls.isWebUrl(cartUrl)) {
            throw new IllegalArgumentException("stageflow.orders.cart-url must be an absolute http or https URL");
        }
    }
}
