package io.stageflow.templates;

import java.util.Map;

/**
 * Whom a preview or test send renders a template for: a stored customer ({@code customerId}) or a made-up one
 * ({@code sampleTraits}), exactly one of them, optionally in another locale and as sent by a journey.
 */
public interface TemplateRecipient {

    String customerId();

    Map<String, Object> sampleTraits();

    /** The locale to render in instead of the customer's own, or null. */
    String locale();

    /** The journey key {@code $journey.key} shows, or null (outside a journey, as a test send is). */
    String journey();
}
