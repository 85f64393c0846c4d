package io.stageflow.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A batch of events is stored with multi-row inserts: duplicates inside the batch and messageIds stored before are
 * reported as duplicates, and a messageId stored by someone else after the look-up (a concurrent request), or
 * stored before a batch of observed events (which is not looked up), makes the batch fall back to row by row without
 * losing or doubling any event.
 */
class EventBatchTest extends IntegrationTest {

    @Autowired
    EventStore store;

    @Autowired
    TransactionTemplate transactions;

    private String customerId;

    @BeforeEach
    void knownCustomer() {
        customerId = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(customerId, "{\"email\":\"" + customerId + "@example.com\"}").expectStatus(201);
    }

    @Test
    void aBatchReportsDuplicatesInsideItAndFromBeforeInItsOwnOrder() {
        StageflowClient client = client();
        client.postEvents(event("before", "signed_up")).expectStatus(202);

        JsonNode results = client.postEvents("[" + event("a", "page_viewed") + "," + event("b", "page_viewed") + ","
                + event("a", "page_viewed") + "," + event("before", "page_viewed") + ","
                + event("c", "page_viewed") + "]").expectStatus(202).json().path("results");

        assertThat(results).extracting(r -> r.path("index").asInt()).containsExactly(0, 1, 2, 3, 4);
        assertThat(results).extracting(r -> r.path("messageId").asText())
                .containsExactly(id("a"), id("b"), id("a"), id("before"), id("c"));
        assertThat(results).extracting(r -> r.path("status").asText())
                .containsExactly("accepted", "accepted", "duplicate", "duplicate", "accepted");
        assertThat(storedTypes()).containsExactly(
                Map.entry(id("before"), "signed_up"), Map.entry(id("a"), "page_viewed"),
                Map.entry(id("b"), "page_viewed"), Map.entry(id("c"), "page_viewed"));
    }

    @Test
    void aMessageIdStoredAfterTheLookUpMakesTheBatchFallBackRowByRow() {
        Instant now = Instant.now();
        // Stored after the batch's look-up would have missed it, as a concurrent request's insert can be.
        transactions.executeWithoutResult(status -> store.append(incoming("raced", "signed_up"), now));

        // The raced messageId sits between two new ones: were "first" stored before the failure (as by a JDBC
        // batch of single-row inserts, which H2 and Connector/J go on with after a failed row), the row-by-row path
        // would call it a duplicate.
        boolean[] inserted = transactions.execute(status -> store.insertAll(List.of(incoming("first", "page_viewed"),
                incoming("raced", "page_viewed"), incoming("last", "page_viewed")), now));

        assertThat(inserted).containsExactly(true, false, true);
        assertThat(storedTypes()).containsExactly(Map.entry(id("raced"), "signed_up"),
                Map.entry(id("first"), "page_viewed"), Map.entry(id("last"), "page_viewed"));
    }

    @Test
    void aMessageIdStoredBeforeInALaterStatementOfALongBatchFallsBackForThatStatementOnly() {
        Instant now = Instant.now();
        int size = io.stageflow.support.MultiRowInsert.ROWS_PER_STATEMENT * 2 + 7;
        int racedAt = io.stageflow.support.MultiRowInsert.ROWS_PER_STATEMENT + 3;
        transactions.executeWithoutResult(status -> store.append(incoming("e" + racedAt, "signed_up"), now));

        boolean[] inserted = transactions.execute(status -> store.insertAll(java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> incoming("e" + i, "page_viewed")).toList(), now));

        for (int i = 0; i < size; i++) {
            assertThat(inserted[i]).as("event %d", i).isEqualTo(i != racedAt);
        }
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ? and type = 'page_viewed'")
                .param(customerId).query(Long.class).single()).isEqualTo(size - 1);
        assertThat(storedTypes()).contains(Map.entry(id("e" + racedAt), "signed_up"));
    }

    @Test
    void theFallBackStaysInTheCallersTransaction() {
        Instant now = Instant.now();
        transactions.executeWithoutResult(status -> store.append(incoming("raced", "signed_up"), now));

        transactions.executeWithoutResult(status -> {
            assertThat(store.insertAll(List.of(incoming("first", "page_viewed"), incoming("raced", "page_viewed")),
                    now)).containsExactly(true, false);
            status.setRollbackOnly();
        });

        assertThat(storedTypes()).containsExactly(Map.entry(id("raced"), "signed_up"));
    }

    @Test
    void observedEventsAreInsertedWithoutALookUpAndAStoredOneStillCountsAsADuplicate() {
        Instant now = Instant.now();
        transactions.executeWithoutResult(status -> store.append(incoming("opened", "email_opened"), now));

        boolean[] accepted = transactions.execute(status -> store.appendObserved(List.of(
                incoming("clicked", "email_clicked"), incoming("opened", "email_opened"),
                incoming("clicked", "email_clicked"), incoming("delivered", "email_delivered")), now,
                EventStore.NONE_INERT));

        assertThat(accepted).containsExactly(true, false, false, true);
        assertThat(storedTypes()).containsExactly(Map.entry(id("opened"), "email_opened"),
                Map.entry(id("clicked"), "email_clicked"), Map.entry(id("delivered"), "email_delivered"));
    }

    @Test
    void aBatchWithoutConflictsIsStoredWhole() {
        Instant now = Instant.now();

        boolean[] accepted = transactions.execute(status -> store.appendAll(List.of(incoming("x", "page_viewed"),
                incoming("y", "page_viewed"), incoming("x", "signed_up")), now));

        assertThat(accepted).containsExactly(true, true, false);
        assertThat(storedTypes()).containsExactly(Map.entry(id("x"), "page_viewed"), Map.entry(id("y"), "page_viewed"));
    }

    @Test
    void aBatchStoresEachEventsOwnTimeAndTheTimeItWasReceived() {
        Instant received = Instant.parse("2026-11-24T09:30:00Z");
        OffsetDateTime summer = OffsetDateTime.parse("2026-07-01T12:15:30+02:00");
        OffsetDateTime winter = OffsetDateTime.parse("2026-01-15T05:00:00-05:00");

        transactions.execute(status -> store.appendAll(List.of(incoming("summer", "page_viewed", summer),
                incoming("winter", "page_viewed", winter), incoming("now", "page_viewed", null)), received));

        assertThat(store.findByCustomer(customerId)).extracting(StoredEvent::occurredAt)
                .containsExactly(summer.toInstant(), winter.toInstant(), received);
        assertThat(store.findByCustomer(customerId)).extracting(StoredEvent::receivedAt)
                .containsOnly(received);
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ? and next_attempt_at = ?")
                .params(customerId, Timestamp.from(received)).query(Long.class).single()).isEqualTo(3);
    }

    private IncomingEvent incoming(String name, String type, OffsetDateTime timestamp) {
        return new IncomingEvent(id(name), type, customerId, timestamp, Map.of("n", name));
    }

    private IncomingEvent incoming(String name, String type) {
        return new IncomingEvent(id(name), type, customerId, null, Map.of("n", name));
    }

    private String event(String name, String type) {
        return "{\"messageId\":\"%s\",\"type\":\"%s\",\"customerId\":\"%s\"}".formatted(id(name), type, customerId);
    }

    private String id(String name) {
        return name + "-" + customerId;
    }

    /** messageId → type of the customer's stored events, in the order they were stored. */
    private List<Map.Entry<String, String>> storedTypes() {
        return jdbc.sql("select message_id, type from sf_event where customer_id = ? order by id").param(customerId)
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getString(2))).list();
    }
}
