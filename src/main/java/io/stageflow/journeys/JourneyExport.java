package io.stageflow.journeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar stageflow.jar --stageflow.journeys.export=true}: writes the live version of every journey that
 * did not come from the journeys folder into it (the file that holds the journey, else {@code <key>.bpmn}), marked
 * with the version it was made from ({@link JourneyLineage#BASED_ON}), then the application exits (0, or 1 when a
 * file could not be written). Commit the folder to keep Git the truth; the next start deploys the exported file
 * and later edits of it as usual.
 */
@Component
@ConditionalOnProperty(prefix = "stageflow.journeys", name = "export", havingValue = "true")
class JourneyExport implements ApplicationRunner, ExitCodeGenerator {

    private static final Logger log = LoggerFactory.getLogger(JourneyExport.class);

    private final RepositoryService repository;
    private final JourneyLineage lineage;
    private final Path folder;
    private int exitCode;

    JourneyExport(RepositoryService repository, JourneysProperties properties) {
        this.repository = repository;
        this.lineage = new JourneyLineage(repository);
        this.folder = properties.dir();
    }

    @Override
    public void run(ApplicationArguments args) {
        try {
            List<Path> written = export();
            log.info("Exported {} live journey versions into {}: {}", written.size(), folder.toAbsolutePath(),
                    written);
        } catch (IOException e) {
            log.error("The live journeys could not be exported into {}: {}", folder.toAbsolutePath(), e.toString());
            exitCode = 1;
        }
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }

    /** Writes each journey whose live version is not the folder's; returns the files written. */
    List<Path> export() throws IOException {
        Map<String, Path> fileOf = filesByJourney();
        List<Path> written = new ArrayList<>();
        for (ProcessDefinition latest : repository.createProcessDefinitionQuery().latestVersion().list()) {
            JourneyLineage.Live live = lineage.live(latest);
            if (live.fromFolder() || !live.resourceName().endsWith(".bpmn")) {
                continue;
            }
            Path target = fileOf.getOrDefault(live.key(), folder.resolve(live.key() + ".bpmn"));
            byte[] content = lineage.markedCopy(latest);
            if (Files.isRegularFile(target) && Arrays.equals(content, Files.readAllBytes(target))) {
                continue;
            }
            Files.createDirectories(target.getParent());
            Files.write(target, content);
            log.info("Journey '{}': {} written to {}", live.key(), live.describe(), target);
            written.add(target);
        }
        return written;
    }

    private Map<String, Path> filesByJourney() throws IOException {
        Map<String, Path> fileOf = new HashMap<>();
        if (!Files.isDirectory(folder)) {
            return fileOf;
        }
        try (Stream<Path> tree = Files.walk(folder)) {
            for (Path file : tree.filter(path -> path.toString().endsWith(".bpmn")).filter(Files::isRegularFile)
                    .toList()) {
                try {
                    JourneyLineage.processes(Files.readAllBytes(file)).keySet()
                            .forEach(key -> fileOf.putIfAbsent(key, file));
                } catch (RuntimeException notBpmn) {
                    log.warn("{} is not a BPMN file Stageflow can read; left alone: {}", file, notBpmn.getMessage());
                }
            }
        }
        return fileOf;
    }
}
