package io.stageflow.journeys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.springframework.stereotype.Component;

/**
 * The journeys as the console lists and draws them, without the engine's types: each journey's live version and who
 * is in it now, every version of it, and the BPMN diagram of a version as it was deployed.
 */
@Component
public class JourneyCatalog {

    private final RepositoryService repository;
    private final RuntimeService runtime;
    private final TaskService tasks;

    JourneyCatalog(RepositoryService repository, RuntimeService runtime, TaskService tasks) {
        this.repository = repository;
        this.runtime = runtime;
        this.tasks = tasks;
    }

    /** Open incidents of every journey: steps that failed for good and wait for an operator (in Cockpit). */
    public long openIncidents() {
        return runtime.createIncidentQuery().count();
    }

    /** Open follow-up tasks of every journey, waiting for someone in Tasklist. */
    public long openTasks() {
        return tasks.createTaskQuery().active().count();
    }

    /** Every journey ever deployed, by key: its latest version, and the customers in any version of it now. */
    public List<Journey> journeys() {
        return repository.createProcessDefinitionQuery().latestVersion().list().stream()
                .sorted(Comparator.comparing(ProcessDefinition::getKey))
                .map(latest -> new Journey(latest.getKey(), name(latest), latest.getVersion(), latest.getId(),
                        latest.isSuspended(),
                        runtime.createProcessInstanceQuery().processDefinitionKey(latest.getKey()).count()))
                .toList();
    }

    /** The journey, if it was ever deployed. */
    public Optional<Journey> journey(String key) {
        return journeys().stream().filter(journey -> journey.key().equals(key)).findFirst();
    }

    /** The journey's versions, newest first; empty when it was never deployed. */
    public List<Integer> versions(String key) {
        return repository.createProcessDefinitionQuery().processDefinitionKey(key).list().stream()
                .map(ProcessDefinition::getVersion).sorted(Comparator.reverseOrder()).toList();
    }

    /** The BPMN XML of the journey's version (null: the latest), as deployed; empty when there is no such version. */
    public Optional<String> diagram(String key, Integer version) {
        var query = repository.createProcessDefinitionQuery().processDefinitionKey(key);
        Optional<ProcessDefinition> definition = (version == null ? query.latestVersion() : query
                .processDefinitionVersion(version)).list().stream().findFirst();
        return definition.map(found -> {
            try (InputStream xml = repository.getProcessModel(found.getId())) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                xml.transferTo(bytes);
                return bytes.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String name(ProcessDefinition definition) {
        return definition.getName() == null || definition.getName().isBlank() ? definition.getKey()
                : definition.getName();
    }

    /**
     * A journey as listed.
     *
     * @param key         its key, as in the API and the BPMN file
     * @param name        its name in the diagram, or the key
     * @param liveVersion the latest version, which new customers enter
     * @param liveId      the engine's id of that version (Cockpit's page of it is named by it)
     * @param suspended   whether that version is suspended (enters no one)
     * @param inItNow     customers in any version of it now
     */
    public record Journey(String key, String name, int liveVersion, String liveId, boolean suspended, long inItNow) {
    }
}
