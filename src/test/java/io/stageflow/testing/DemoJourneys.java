package io.stageflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The demo journeys of {@code src/test/resources/journeys}, copied under a process key of a test's own, so that each
 * test deploys and runs its own version beside the others.
 */
public final class DemoJourneys {

    private DemoJourneys() {
    }

    /** The BPMN of {@code journeys/<demo>.bpmn} with its process, and the diagram's reference to it, named {@code key}. */
    public static String copyAs(String demo, String key) throws IOException {
        try (InputStream file = DemoJourneys.class.getResourceAsStream("/journeys/" + demo + ".bpmn")) {
            if (file == null) {
                throw new IllegalArgumentException("No demo journey " + demo);
            }
            return new String(file.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("id=\"" + demo + "\"", "id=\"" + key + "\"")
                    .replace("bpmnElement=\"" + demo + "\"", "bpmnElement=\"" + key + "\"");
        }
    }
}
