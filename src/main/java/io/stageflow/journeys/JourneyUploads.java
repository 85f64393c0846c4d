package io.stageflow.journeys;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.Problem;
import org.camunda.bpm.engine.ResourceReport;
import org.camunda.bpm.engine.repository.DeploymentWithDefinitions;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.xml.ModelException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deploys a journey file a marketer uploads in the console or through the API: the same deploy-time validation as
 * every deployment (Camunda's parser and schema, and each Stageflow step's inputs), one file per deployment so that a
 * refused file deploys nothing, and who deployed it and why recorded in the same transaction. A file that says it was
 * made from an older version than the live one ({@code stageflow.basedOnVersion}, written by the console's download)
 * is refused, so that no change is lost silently.
 */
@Component
public class JourneyUploads {

    /** The engine's deployment source for uploads, shown with each version. */
    static final String SOURCE = "Stageflow console";

    private static final Pattern SAFE_NAME = Pattern.compile("[^A-Za-z0-9._-]");
    private static final int MAX_COMMENT = 500;

    private final RepositoryService repository;
    private final DeploymentRecords records;
    private final TransactionTemplate transactions;
    private final JourneyLineage lineage;

    JourneyUploads(RepositoryService repository, DeploymentRecords records, TransactionTemplate transactions) {
        this.repository = repository;
        this.records = records;
        this.transactions = transactions;
        this.lineage = new JourneyLineage(repository);
    }

    /**
     * Deploys the file as a new version of the journey (or journeys) it holds.
     *
     * @throws JourneyRefusedException naming the element, line and reason of each problem; nothing was deployed
     * @throws StaleJourneyException   when the file was made from an older version than the live one
     */
    public Deployed deploy(String fileName, byte[] content, String author, String comment) {
        String name = fileName == null ? "" : fileName.strip();
        if (!name.toLowerCase().endsWith(".bpmn")) {
            throw JourneyRefusedException.of("file", "Upload a BPMN file (.bpmn), as Camunda Modeler saves it");
        }
        if (content == null || content.length == 0) {
            throw JourneyRefusedException.of("file", "The file is empty");
        }
        if (content.length > records.maxFileBytes()) {
            throw JourneyRefusedException.of("file", "The file is " + content.length / 1024 + " KB; the limit is "
                    + records.maxFileBytes() / 1024 + " KB (stageflow.journeys.max-file-size)");
        }
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw JourneyRefusedException.of("comment", "At most " + MAX_COMMENT + " characters");
        }
        refuseStale(content);
        String resourceName = SAFE_NAME.matcher(name).replaceAll("_");
        try {
            return transactions.execute(status -> {
                DeploymentWithDefinitions deployment = repository.createDeployment()
                        .name(resourceName.substring(0, resourceName.length() - ".bpmn".length()))
                        .source(SOURCE)
                        .addInputStream(resourceName, new ByteArrayInputStream(content))
                        .deployWithResult();
                List<ProcessDefinition> processes = deployment.getDeployedProcessDefinitions();
                if (processes == null || processes.isEmpty()) {
                    throw JourneyRefusedException.of("file", "The file holds no executable process: in Camunda"
                            + " Modeler, tick 'Executable' on the process");
                }
                records.record(deployment.getId(), author, comment);
                ProcessDefinition process = processes.get(0);
                return new Deployed(process.getKey(), process.getName() == null ? process.getKey() : process.getName(),
                        process.getVersion(), deployment.getId());
            });
        } catch (ParseException e) {
            List<JourneyProblem> problems = new ArrayList<>();
            for (ResourceReport report : e.getResorceReports()) {
                for (Problem problem : report.getErrors()) {
                    problems.add(new JourneyProblem("file", problem.getMainElementId(), problem.getLine(),
                            problem.getColumn(), problem.getMessage()));
                }
            }
            if (problems.isEmpty()) {
                problems.add(new JourneyProblem("file", null, 0, 0, e.getMessage()));
            }
            throw new JourneyRefusedException(problems);
        } catch (ProcessEngineException e) {
            throw JourneyRefusedException.of("file", e.getMessage());
        }
    }

    private void refuseStale(byte[] content) {
        Map<String, Integer> processes;
        try {
            processes = JourneyLineage.processes(content);
        } catch (ModelException | IllegalArgumentException notReadable) {
            return; // the engine's parser says where and why, below
        }
        for (Map.Entry<String, Integer> process : processes.entrySet()) {
            Optional<JourneyLineage.Live> live = lineage.live(process.getKey());
            Integer basedOn = process.getValue();
            if (live.isPresent() && basedOn != null && basedOn < live.get().version()) {
                throw new StaleJourneyException(process.getKey(), basedOn, live.get().version(),
                        "The file was made from version " + basedOn + " of journey '" + process.getKey()
                                + "', and the live one is " + live.get().describe() + ". Download the live version,"
                                + " make your change to it, and upload that");
            }
        }
    }

    /** What an upload deployed: the journey's key and name, its new version, and the engine's deployment. */
    public record Deployed(String key, String name, int version, String deploymentId) {
    }

    /**
     * One reason a file was refused.
     *
     * @param field     the request field it concerns ({@code file}, {@code comment})
     * @param elementId the BPMN element at fault, or null when the file as a whole is
     * @param line      the line in the file, or 0 when unknown
     * @param column    the column, or 0
     * @param message   what is wrong, in the engine's or the step's words
     */
    public record JourneyProblem(String field, String elementId, int line, int column, String message) {
    }

    /** A file that cannot be deployed, with every problem found; nothing of it was deployed. */
    public static class JourneyRefusedException extends RuntimeException {

        private final transient List<JourneyProblem> problems;

        JourneyRefusedException(List<JourneyProblem> problems) {
            super(problems.stream().map(JourneyProblem::message).reduce((a, b) -> a + "; " + b).orElse("Refused"));
            this.problems = List.copyOf(problems);
        }

        static JourneyRefusedException of(String field, String message) {
            return new JourneyRefusedException(List.of(new JourneyProblem(field, null, 0, 0, message)));
        }

        public List<JourneyProblem> problems() {
            return problems;
        }
    }

    /** A file made from an older version than the live one: deploying it would undo a change silently. */
    public static class StaleJourneyException extends RuntimeException {

        private final String key;
        private final int basedOn;
        private final int liveVersion;

        StaleJourneyException(String key, int basedOn, int liveVersion, String message) {
            super(message);
            this.key = key;
            this.basedOn = basedOn;
            this.liveVersion = liveVersion;
        }

        public String key() {
            return key;
        }

        public int basedOn() {
            return basedOn;
        }

        public int liveVersion() {
            return liveVersion;
        }
    }
}
