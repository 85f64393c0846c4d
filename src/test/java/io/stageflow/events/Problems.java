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
