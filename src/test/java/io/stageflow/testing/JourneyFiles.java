package io.stageflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Journey files for tests that deploy their own journeys without touching the ones other tests run. */
public final class JourneyFiles {

    private JourneyFiles() {
    }

    /**
     * The welcome journey (bpmn/welcome.bpmn) under another key, started by an event type no one sends: deploying it
     * starts no one, and its versions are the test's own.
     */
    public static String welcomeCopy(String key) {
        try {
            return Files.readString(Path.of("bpmn/welcome.bpmn"))
                    .replace("<bpmn:process id=\"welcome\"", "<bpmn:process id=\"" + key + "\"")
                    .replace("bpmnElement=\"welcome\"", "bpmnElement=\"" + key + "\"")
                    .replace("name=\"signed_up\"", "name=\"" + key + "_signed_up\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
