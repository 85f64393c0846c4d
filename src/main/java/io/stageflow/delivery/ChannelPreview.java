package io.stageflow.delivery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a channel's message would be for one customer, without sending it: where it would go ({@code recipient}: the
 * endpoint, the number), what it would carry ({@code content}: the JSON body, the SMS text), whether the customer may
 * get it now ({@code allowed}, and {@code reason} when not), and what else a marketer should see
 * ({@code details}: an SMS's encoding and segments, a webhook's signature headers).
 */
public record ChannelPreview(String channel, String recipient, String content, boolean allowed, String reason,
        Map<String, Object> details) {

    public ChannelPreview {
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
