package io.stageflow.crash;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import io.stageflow.testing.StageflowClient;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The rows of one template's emails per customer, as the message log tells them ({@code GET
 * /api/v1/customers/{id}/messages}): for a journey that queues several emails of the same template (a loop), each
 * row's status ({@code sent}, {@code suppressed}, ...) and reason. {@link WelcomeEmails} does the same for the
 * one welcome email of the other crash tests.
 */
final class MessageLog {

    /** Statuses after which nothing more happens to a row on its own. */
    private static final Set<String> FINAL = Set.of("sent", "outcome_unknown", "failed", "skipped", "suppressed",
            "withdrawn");

    /** One email of the message log. */
    record Row(String status, String reason) {
    }

    private MessageLog() {
    }

    /**
     * Waits until every customer has {@code rowsEach} rows of the template and all have come to an end, or
     * {@code patience} is over; answers the rows either way, so a test can report what never settled.
     */
    static Map<String, List<Row>> awaitSettled(StageflowClient admin, List<String> customerIds, String template,
            int rowsEach, Duration patience) {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        customerIds.forEach(id -> rows.put(id, List.of()));
        try {
            await(template + " emails settled").atMost(patience).pollInterval(Duration.ofSeconds(1)).until(() -> {
                rows.replaceAll((id, known) -> settled(known, rowsEach) ? known : rowsOf(admin, id, template));
                return rows.values().stream().allMatch(known -> settled(known, rowsEach));
            });
        } catch (ConditionTimeoutException notSettled) {
            // reported by the caller, with the rows as they are
        }
        return rows;
    }

    static boolean settled(List<Row> rows, int rowsEach) {
        return rows.size() == rowsEach && rows.stream().allMatch(row -> FINAL.contains(row.status()));
    }

    static long count(List<Row> rows, String status) {
        return rows.stream().filter(row -> row.status().equals(status)).count();
    }

    /** Rows per status over all customers, e.g. {@code {sent=1130, suppressed=70}}, for the figures. */
    static Map<String, Long> tally(Map<String, List<Row>> rows) {
        return rows.values().stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(Row::status, LinkedHashMap::new, Collectors.counting()));
    }

    private static List<Row> rowsOf(StageflowClient admin, String customerId, String template) {
        return StreamSupport.stream(admin.get("/api/v1/customers/" + customerId + "/messages").expectStatus(200).json()
                        .spliterator(), false)
                .filter(row -> row.path("template").asText().equals(template))
                .map(row -> new Row(row.path("status").asText(), row.path("reason").asText(""))).toList();
    }
}
