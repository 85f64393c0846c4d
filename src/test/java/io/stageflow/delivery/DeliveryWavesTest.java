package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.stageflow.subscriptions.EmailCategory;

import org.junit.jupiter.api.Test;

/**
 * A dispatcher pass goes in waves of at most one row a lane, and never two rows of one customer in a wave: a
 * customer's rows go in successive waves, in queue order, so that each is checked (pacing) after the one before.
 */
class DeliveryWavesTest {

    @Test
    void rowsGoInWavesOfTheLaneCountInQueueOrder() {
        List<OutboxEntry> due = List.of(row(1, "a"), row(2, "b"), row(3, "c"), row(4, "d"), row(5, "e"));

        assertThat(OutboxDispatcher.waves(due, 2)).extracting(wave -> wave.stream().map(OutboxEntry::id).toList())
                .containsExactly(List.of(1L, 2L), List.of(3L, 4L), List.of(5L));
    }

    @Test
    void aCustomersRowsGoInSuccessiveWavesInTheirOrder() {
        List<OutboxEntry> due = List.of(row(1, "a"), row(2, "a"), row(3, "b"), row(4, "a"), row(5, "c"));

        List<List<Long>> waves = OutboxDispatcher.waves(due, 4).stream()
                .map(wave -> wave.stream().map(OutboxEntry::id).toList()).toList();

        assertThat(waves).containsExactly(List.of(1L, 3L, 5L), List.of(2L), List.of(4L));
    }

    @Test
    void noRowsMakeNoWaves() {
        assertThat(OutboxDispatcher.waves(List.of(), 4)).isEmpty();
    }

    private static OutboxEntry row(long id, String customer) {
        return new OutboxEntry(id, "key-" + id, customer, "welcome", EmailCategory.MARKETING, null, null, null, 0,
                true, 0, SendPriority.BROADCAST, null, Map.of(), Channel.EMAIL, Map.of());
    }
}
