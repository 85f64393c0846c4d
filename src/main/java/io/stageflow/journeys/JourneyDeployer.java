package io.stageflow.journeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Deploys the journeys folder when the application starts, before any event is routed. Resources are named
 * relative to the folder's parent ({@code bpmn/welcome.bpmn}) so names stay the same on every machine, and
 * only changed files become new versions; running instances stay on the version they started on. Every send
 * step of every file is checked against the templates first, and a problem stops the application. A changed file
 * made from an older version than a live one deployed from elsewhere (Camunda Modeler) is held back and reported
 * ({@link JourneyLineage}), and every journey whose live version did not come from the folder is named.
 */
@Component
class JourneyDeployer implements InitializingBean {

    static final String DEPLOYMENT_NAME = "stageflow-journeys";

    private static final Logger log = LoggerFactory.getLogger(JourneyDeployer.class);

    private final RepositoryService repositoryService;
    private final Path directory;
    private final JourneyFolderCheck check;
    private final JourneyLineage lineage;
    private final HeldBackJourneyFiles heldBack;

    JourneyDeployer(RepositoryService repositoryService, JourneysProperties properties, JourneyFolderCheck check,
            HeldBackJourneyFiles heldBack) {
        this.repositoryService = repositoryService;
        this.directory = properties.dir();
        this.check = check;
        this.lineage = new JourneyLineage(repositoryService);
        this.heldBack = heldBack;
    }

    @Override
    public void afterPropertiesSet() throws IOException {
        List<Path> files = journeyFiles();
        if (files.isEmpty()) {
            log.warn("No journeys to deploy: {} holds no .bpmn or .dmn files", directory.toAbsolutePath());
            return;
        }
        List<String> problems = new ArrayList<>();
        files.forEach(file -> problems.addAll(check.problems(file, resourceName(file))));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Journeys in " + directory.toAbsolutePath() + " cannot run:\n  "
                    + String.join("\n  ", problems));
        }
        DeploymentBuilder deployment = repositoryService.createDeployment()
                .name(DEPLOYMENT_NAME)
                .source("stageflow")
                .enableDuplicateFiltering(true);
        List<String> kept = new ArrayList<>();
        int added = 0;
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            String reason = lineage.heldBack(resourceName(file), content);
            if (reason != null) {
                kept.add(reason);
                log.warn("Journey file held back: {}", reason);
                continue;
            }
            try (InputStream in = new ByteArrayInputStream(content)) {
                deployment.addInputStream(resourceName(file), in);
            }
            added++;
        }
        heldBack.set(kept);
        if (added > 0) {
            Deployment deployed = deployment.deploy();
            log.info("Journeys from {} deployed ({} files; unchanged files keep their version): deployment {}",
                    directory.toAbsolutePath(), added, deployed.getId());
        }
        reportDrift();
    }

    /** Names every journey whose live version did not come from the folder, so bpmn/ (and Git) can be made true. */
    private void reportDrift() {
        for (ProcessDefinition latest : repositoryService.createProcessDefinitionQuery().latestVersion().list()) {
            JourneyLineage.Live live = lineage.live(latest);
            if (!live.fromFolder()) {
                log.warn("Journey '{}': the live {} did not come from {}; export the live versions"
                        + " (--stageflow.journeys.export=true) to keep the folder true", live.key(), live.describe(),
                        directory);
            }
        }
    }

    private List<Path> journeyFiles() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> tree = Files.walk(directory)) {
            return tree.filter(Files::isRegularFile)
                    .filter(file -> !isHidden(directory.relativize(file)))
                    .filter(file -> file.toString().endsWith(".bpmn") || file.toString().endsWith(".dmn"))
                    .sorted()
                    .toList();
        }
    }

    private String resourceName(Path file) {
        Path folderName = directory.toAbsolutePath().normalize().getFileName();
        return folderName + "/" + directory.relativize(file).toString().replace('\\', '/');
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
