package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The drift test (docs/modeler.md): a version deployed from Camunda Modeler stays live across restarts with the old
 * file in the journeys folder; an edit of that old file is held back, naming both versions, rather than deployed over
 * it; the export writes the live version into the folder, marked with the version it came from, and the next start
 * deploys it and edits of it as usual. Each restart is a new deployer on the test's own folder, as at startup.
 */
class JourneyDriftTest extends IntegrationTest {

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    JourneyFolderCheck folderCheck;

    @Test
    void aModelerVersionIsNeverUndoneByAStaleFileAndTheExportBringsTheFolderUpToDate(@TempDir Path project)
            throws Exception {
        String key = "drift-" + UUID.randomUUID().toString().substring(0, 8);
        Path bpmn = Files.createDirectories(project.resolve("bpmn"));
        Path file = bpmn.resolve(key + ".bpmn");
        Files.writeString(file, journey(key, "Greet from the folder"));
        restart(bpmn);
        assertThat(live(key).getVersion()).isEqualTo(1);

        StageflowClient.Response modeler = ModelerDeployments.deploy(client(), key + "-diagram", key + ".bpmn",
                journey(key, "Greet from the Modeler"));
        assertThat(modeler.status()).as(modeler.body()).isEqualTo(200);
        assertThat(live(key).getVersion()).isEqualTo(2);

        assertThat(restart(bpmn)).as("the old file, unchanged").isEmpty();
        assertThat(live(key).getVersion()).as("version 2 stays live").isEqualTo(2);

        Files.writeString(file, journey(key, "Greet again from the folder"));
        List<String> heldBack = restart(bpmn);
        assertThat(live(key).getVersion()).as("the edit of version 1 is not deployed over version 2").isEqualTo(2);
        assertThat(heldBack).singleElement().asString().contains("bpmn/" + key + ".bpmn changed, but it was made"
                + " from version 1 of journey '" + key + "', and the live one is version 2 (deployed as '"
                + key + "-diagram' from Camunda Modeler");

        // Other tests' journeys, deployed without the folder, are exported too: the engine is shared.
        List<Path> written = new JourneyExport(repositoryService, JourneyFolders.of(bpmn)).export();
        assertThat(written).contains(file);
        String exported = Files.readString(file);
        assertThat(exported).contains("Greet from the Modeler").doesNotContain("Greet again");
        assertThat(JourneyLineage.processes(exported.getBytes(StandardCharsets.UTF_8))).containsEntry(key, 2);
        assertThat(new JourneyExport(repositoryService, JourneyFolders.of(bpmn)).export())
                .as("nothing left to export").doesNotContain(file);
        for (Path other : written) {
            if (!other.equals(file)) {
                Files.delete(other); // another test's journey: not this folder's to deploy
            }
        }

        Files.writeString(file, exported.replace("Greet from the Modeler", "Greet, made from version 2"));
        assertThat(restart(bpmn)).isEmpty();
        ProcessDefinition third = live(key);
        assertThat(third.getVersion()).isEqualTo(3);
        assertThat(Bpmn.convertToString(repositoryService.getBpmnModelInstance(third.getId())))
                .contains("Greet, made from version 2");
    }

    /** A start of the application with this journeys folder: what it held back. */
    private List<String> restart(Path folder) throws Exception {
        HeldBackJourneyFiles heldBack = new HeldBackJourneyFiles();
        new JourneyDeployer(repositoryService, JourneyFolders.of(folder), folderCheck, heldBack).afterPropertiesSet();
        return heldBack.reasons();
    }

    private ProcessDefinition live(String key) {
        return repositoryService.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion()
                .singleResult();
    }

    private static String journey(String key, String taskName) {
        return Bpmn.convertToString(Bpmn.createExecutableProcess(key).name("Drift " + key).camundaHistoryTimeToLive(30)
                .startEvent().userTask("Greet").name(taskName).endEvent().done());
    }
}
