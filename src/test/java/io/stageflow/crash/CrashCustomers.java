package io.stageflow.crash;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import io.stageflow.testing.StageflowClient;

/** Customers of a crash test, created over the API as a shop would: a profile, then a signup (welcome journey). */
final class CrashCustomers {

    private static final int BATCH = 50;

    private CrashCustomers() {
    }

    /** Ids {@code prefix-0000} … for {@code count} customers. */
    static List<String> ids(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> "%s-%04d".formatted(prefix, i)).toList();
    }

    static String email(String customerId) {
        return customerId.toLowerCase(Locale.ROOT) + "@crash.stageflow.test";
    }

    /** Creates each customer; they are in the database (and answered 201) when this returns. */
    static void create(StageflowClient admin, List<String> ids) {
        ids.forEach(id -> admin.putCustomer(id, "{\"email\":\"%s\",\"firstName\":\"Crash\"}".formatted(email(id)))
                .expectStatus(201));
    }

    /** Posts a {@code signed_up} event for each, in batches of 50, which starts their welcome journey. */
    static void signUp(StageflowClient client, List<String> ids) {
        for (int from = 0; from < ids.size(); from += BATCH) {
            client.postSignups(ids.subList(from, Math.min(ids.size(), from + BATCH))).expectStatus(202);
        }
    }
}
