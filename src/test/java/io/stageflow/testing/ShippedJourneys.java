package io.stageflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.camunda.bpm.engine.RepositoryService;

/**
 * Puts a shipped journey (bpmn/{key}.bpmn) back as its live version after a test deployed others of the same key,
 * as the journeys folder deploys it at start-up. Always a new deployment: Camunda's duplicate filter compares with
 * the deployment of the same name it finds latest by deployment time, which a test that moved the clock forward can
 * have dated in the future, and would then keep the test's version live for the tests that follow.
 */
public final class ShippedJourneys {

    private ShippedJourneys() {
    }

    /** Deploys bpmn/{key}.bpmn as the folder does; returns the version it became. */
    public static int restore(RepositoryService repository, String key) {
        try {
            repository.createDeployment().name("stageflow-journeys").source("stageflow")
                    .addString("bpmn/" + key + ".bpmn", Files.readString(Path.of("bpmn", key + ".bpmn"))).deploy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult()
                .getVersion();
    }
}
