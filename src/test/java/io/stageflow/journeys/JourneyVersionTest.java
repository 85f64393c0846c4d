package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A marketer changes welcome.bpmn (the wait from 3 days to 5) and the application deploys it at startup: a new
 * version for new signups, while customers already in the journey finish on the version they started.
 */
class JourneyVersionTest extends IntegrationTest {

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    HistoryService historyService;

    @Autowired
    JourneyFolderCheck folderCheck;

    @Test
    void aChangedWelcomeIsANewVersionForNewSignupsOnlyAndRunningInstancesFinishOnTheirs(@TempDir Path project)
            throws Exception {
        String original = Files.readString(Path.of("bpmn", "welcome.bpmn"));
        String before = customer();
        client().signUp(before, before + "@example.com", "Vera");
        awaitMail(before + "@example.com", 1);
        awaitSettled(before);
        ProcessDefinition v1 = definitionOf(before);

        Path bpmn = Files.createDirectories(project.resolve("bpmn"));
        Files.writeString(bpmn.resolve("welcome.bpmn"), original.replace(">P3D<", ">P5D<"));
        try {
            deployFolder(bpmn);
            ProcessDefinition v2 = repositoryService.createProcessDefinitionQuery().processDefinitionKey("welcome")
                    .latestVersion().singleResult();
            String after = customer();
            client().signUp(after, after + "@example.com", "Walt");
            awaitMail(after + "@example.com", 1);
            awaitSettled(after);

            assertThat(v2.getVersion()).isEqualTo(v1.getVersion() + 1);
            assertThat(definitionOf(before).getId()).as("still on the version it started on").isEqualTo(v1.getId());
            assertThat(definitionOf(after).getId()).isEqualTo(v2.getId());
            Instant reminderDue = managementService.createJobQuery().processInstanceId(instanceOf(after)).timers()
                    .singleResult().getDuedate().toInstant();
            assertThat(Duration.between(ClockUtil.getCurrentTime().toInstant(), reminderDue))
                    .isBetween(Duration.ofDays(5).minusMinutes(1), Duration.ofDays(5));

            advanceClock(Duration.ofDays(3).plusMinutes(1));
            awaitMail(before + "@example.com", 2);
            await().atMost(PATIENCE).until(() -> historyService.createHistoricProcessInstanceQuery()
                    .processInstanceBusinessKey(before).processDefinitionId(v1.getId()).finished().count() == 1);
            assertThat(mailTo(after + "@example.com")).as("version 2 waits 5 days").hasSize(1);
        } finally {
            // Put the shipped journey back as the latest version for the tests that follow.
            Files.writeString(bpmn.resolve("welcome.bpmn"), original);
            deployFolder(bpmn);
        }
    }

    private void deployFolder(Path folder) throws Exception {
        new JourneyDeployer(repositoryService, JourneyFolders.of(folder), folderCheck, new HeldBackJourneyFiles())
                .afterPropertiesSet();
    }

    private ProcessDefinition definitionOf(String customerId) {
        String definitionId = historyService.createHistoricProcessInstanceQuery().processDefinitionKey("welcome")
                .processInstanceBusinessKey(customerId).singleResult().getProcessDefinitionId();
        return repositoryService.getProcessDefinition(definitionId);
    }

    private String instanceOf(String customerId) {
        return runtimeService.createProcessInstanceQuery().processDefinitionKey("welcome")
                .processInstanceBusinessKey(customerId).singleResult().getId();
    }

    private static String customer() {
        return "c-" + UUID.randomUUID().toString().substring(0, 12);
    }
}
