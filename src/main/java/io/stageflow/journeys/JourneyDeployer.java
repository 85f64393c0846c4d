package io.stageflow.journeys;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Deploys the journeys folder when the application starts, before any event is routed. Resources are named
 * relative to the folder's parent ({@code bpmn/welcome.bpmn}) so names stay the same on every machine, and
 * only changed files become new versions; running instances stay on the version they started on. Every send
 * step of every file is checked against the templates first, and a problem stops the application.
 */
@Component
class JourneyDeployer implements InitializingBean {

    static final String DEPLOYMENT_NAME = "stageflow-journeys";

    private static final Logger log = LoggerFactory.getLogger(JourneyDeployer.class);

    private final RepositoryService repositoryService;
    private final Path directory;
    private final JourneyFolderCheck check;

    JourneyDeployer(RepositoryService repositoryService, JourneysProperties properties, JourneyFolderCheck check) {
        this.repositoryService = repositoryService;
        this.directory = properties.dir();
        this.check = check;
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
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                deployment.addInputStream(resourceName(file), in);
            }
        }
        Deployment deployed = deployment.deploy();
        log.info("Journeys from {} deployed ({} files; unchanged files keep their version): deployment {}",
                directory.toAbsolutePath(), files.size(), deployed.getId());
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
