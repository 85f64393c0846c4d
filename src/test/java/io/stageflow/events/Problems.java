package io.stageflow.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.stageflow.testing.StageflowClient.Response;

/** What the events tests check of an error answer: problem+json with this status, and the fields it names. */
final class Problems {

    private Problems() {
    }

    static void assertProblem(Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).as(response.body()).startsWith("application/problem+json");
        assertThat(response.json().path("status").asInt()).isEqualTo(status);
        assertThat(response.json().path("detail").asText()).isNotBlank();
    }

    /**
     * Segment's answer to messages rejected for what they hold: {@code 200} (its libraries retry anything else),
     * {@code success: false}, and the rejected ones named in {@code errors}.
     */
    static void assertRejected(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.contentType()).as(response.body()).startsWith("application/json");
        assertThat(response.json().path("success").asBoolean(true)).as(response.body()).isFalse();
        assertThat(response.json().path("rejected").asInt()).as(response.body()).isPositive();
        assertThat(response.json().path("errors").isEmpty()).as(response.body()).isFalse();
    }

    /** The fields named in {@code errors}, each once, in order. */
    static List<String> fields(Response response) {
        List<String> fields = new ArrayList<>();
        response.json().path("errors").forEach(error -> {
            if (!fields.contains(error.path("field").asText())) {
                fields.add(error.path("field").asText());
            }
        });
        return fields;
    }
}
