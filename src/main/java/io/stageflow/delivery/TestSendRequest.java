package io.stageflow.delivery;

import java.util.Map;

import io.stageflow.customers.LanguageTag;
import io.stageflow.templates.TemplateRecipient;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/v1/templates/{key}/test-send}: a preview, mailed to {@code to}. */
record TestSendRequest(
        @NotBlank @Email @Size(max = 320) String to,
        @Size(max = 100) String customerId,
        Map<String, Object> sampleTraits,
        @LanguageTag String locale,
        @Size(max = 100) String journey) implements TemplateRecipient {
}
