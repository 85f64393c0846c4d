package io.stageflow.templates;

import java.util.Map;

import io.stageflow.customers.LanguageTag;

import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/v1/templates/{key}/preview}. */
record PreviewRequest(
        @Size(max = 100) String customerId,
        Map<String, Object> sampleTraits,
        @LanguageTag String locale,
        @Size(max = 100) String journey) implements TemplateRecipient {
}
