package io.stageflow.delivery;

import java.util.Map;

import io.stageflow.subscriptions.EmailCategory;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/channel-previews}: a channel step's message (a webhook's JSON body, an SMS with its segments) as
 * one customer would get it, without sending it; 400 naming the field when the settings, or the customer's address,
 * cannot be used.
 */
@RestController
class ChannelPreviewController {

    private final ChannelPreviews previews;

    ChannelPreviewController(ChannelPreviews previews) {
        this.previews = previews;
    }

    /**
     * What to preview: the channel ({@code webhook}, {@code sms}, {@code whatsapp}), the customer, the step's settings
     * as the step has them ({@code endpoint} and {@code body}; {@code text}; …), and the category
     * ({@code marketing} by default), which decides the consent the preview reports.
     */
    record PreviewRequest(@NotBlank String channel, @NotBlank String customerId, Map<String, String> settings,
            @Pattern(regexp = "marketing|transactional", message = "must be marketing or transactional")
            String category) {
    }

    @Operation(summary = "Preview a webhook, SMS or WhatsApp step's message for one customer, without sending it")
    @PostMapping("/api/v1/channel-previews")
    ChannelPreview preview(@Valid @RequestBody PreviewRequest request) {
        EmailCategory category = "transactional".equals(request.category()) ? EmailCategory.TRANSACTIONAL
                : EmailCategory.MARKETING;
        return previews.preview(request.channel(), request.customerId(),
                request.settings() == null ? Map.of() : request.settings(), category);
    }
}
