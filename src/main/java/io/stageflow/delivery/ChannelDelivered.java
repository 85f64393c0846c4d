package io.stageflow.delivery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A journey's message on another channel was delivered (a webhook answered 2xx, a provider took an SMS), published
 * after its row was recorded sent: the journey's step may be waiting for it, to keep {@code variables} from the answer
 * and go on. {@code idempotencyKey} names the step execution that queued it.
 */
public record ChannelDelivered(long outboxId, Channel channel, String idempotencyKey, String journeyInstanceId,
        String stepId, Map<String, Object> variables) {

    public ChannelDelivered {
        variables = variables == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }
}
