package io.stageflow.delivery;

import java.time.Instant;
import java.util.Optional;

import org.springframework.stereotype.Component;

/**
 * What a channel's provider reports about a message after taking it (an SMS's delivery-status callback, a WhatsApp
 * status webhook), applied to its outbox row: found by the channel and the provider's id for the message, which the
 * adapter returned ({@link ChannelResult.Delivered#providerMessageId()}). Each report changes a row once; a repeated
 * or late report changes nothing. The caller verifies the report's signature first, and suppresses an address that
 * cannot be reached.
 */
@Component
public class ChannelReceipts {

    private final OutboxStore store;

    ChannelReceipts(OutboxStore store) {
        this.store = store;
    }

    /** A message a provider reported on: its row, its customer, and where it went. */
    public record Receipt(long outboxId, String customerId, String recipient, boolean changed) {
    }

    /** The provider delivered the message (to the handset, to WhatsApp); empty for an id no row has. */
    public Optional<Receipt> delivered(Channel channel, String providerMessageId, Instant at) {
        return store.findByProviderMessageId(channel, providerMessageId).map(row -> new Receipt(row.id(),
                row.customerId(), row.recipient(), store.markDelivered(row, at)));
    }

    /**
     * The provider could not deliver the message after taking it ({@code failed}, {@code undelivered}): the row is
     * marked bounced with the provider's reason; empty for an id no row has.
     */
    public Optional<Receipt> undeliverable(Channel channel, String providerMessageId, String reason, Instant at) {
        return store.findByProviderMessageId(channel, providerMessageId).map(row -> new Receipt(row.id(),
                row.customerId(), row.recipient(), store.markUndeliverable(row, reason, at)));
    }
}
