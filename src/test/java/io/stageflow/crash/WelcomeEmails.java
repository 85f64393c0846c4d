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
 * The welcome emails of a crash test's customers as the message log tells them ({@code GET
 * /api/v1/customers/{id}/messages}): per customer, the status of each welcome row, such as {@code sent} or
 * {@code outcome_unknown}; {@code none} when there is no such row, {@code gone} when the customer is unknown.
 */
final class WelcomeEmails {

    /** Statuses after which nothing more happens to a row on its own. */
    private static final Set<String> FINAL = Set.of("sent", "outcome_unknown", "failed", "skipped", "suppressed");

    private WelcomeEmails() {
    }

    /**
     * Waits until every customer's welcome email has come to an end, or {@code patience} is over; answers the
     * statuses either way, so a test can report what never settled.
     */
    static Map<String, List<String>> awaitSettled(StageflowClient admin, List<String> customerIds, Duration patience) {
        Map<String, List<String>> statuses = new LinkedHashMap<>();
        customerIds.forEach(id -> statuses.put(id, List.of("none")));
        try {
            await("welcome emails settled").atMost(patience).pollInterval(Duration.ofSeconds(1)).until(() -> {
                statuses.replaceAll((id, known) -> settled(known) ? known : statusesOf(admin, id));
                return statuses.values().stream().allMatch(WelcomeEmails::settled);
            });
        } catch (ConditionTimeoutException notSettled) {
            // reported by the caller, with the statuses as they are
        }
        return statuses;
    }

    /** True when the customer has a welcome email and it has come to an end, or the customer is unknown. */
    static boolean settled(List<String> statuses) {
        return statuses.equals(List.of("gone")) || (!statuses.contains("none") && FINAL.containsAll(statuses));
    }

    private static List<String> statusesOf(StageflowClient admin, String customerId) {
        StageflowClient.Response response = admin.get("/api/v1/customers/" + customerId + "/messages");
        if (response.status() == 404) {
            return List.of("gone");
        }
        List<String> welcome = StreamSupport.stream(response.expectStatus(200).json().spliterator(), false)
                .filter(row -> row.path("template").asText().equals("welcome"))
                .map(row -> row.path("status").asText()).toList();
        return welcome.isEmpty() ? List.of("none") : welcome;
    }

    /** Customers per status list, e.g. {@code {[sent]=298, [outcome_unknown]=2}}, for the figures. */
    static Map<List<String>, Long> tally(Map<String, List<String>> statuses) {
        return statuses.values().stream().collect(Collectors.groupingBy(s -> s, LinkedHashMap::new, Collectors.counting()));
    }
}
