package io.stageflow.journeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.ExtensionElements;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;

/**
 * Where each journey's live version came from, so that the journeys folder never silently undoes a version deployed
 * from elsewhere (Camunda Modeler, the REST API). A file says which live version it was made from with the process
 * property {@value #BASED_ON}, which the export writes; a changed file made from an older version than the live one
 * is held back. The engine's deployments are the truth: nothing here is stored apart from them.
 */
final class JourneyLineage {

    /** The process property that names the version a file of the journeys folder was exported from. */
    static final String BASED_ON = "stageflow.basedOnVersion";

    private final RepositoryService repository;

    JourneyLineage(RepositoryService repository) {
        this.repository = repository;
    }

    /** A journey's live (latest) version and the deployment it came with. */
    record Live(String key, int version, String definitionId, String resourceName, String deploymentName,
            String source, Instant deployedAt) {

        /** Whether the journeys folder deployed it. */
        boolean fromFolder() {
            return JourneyDeployer.DEPLOYMENT_NAME.equals(deploymentName);
        }

        /** "version 2 (deployed as 'welcome-diagram' from Camunda Modeler at 2026-…)". */
        String describe() {
            return "version " + version + " (deployed " + (deploymentName == null ? "without a name"
                    : "as '" + deploymentName + "'") + (source == null ? "" : " from " + source) + " at " + deployedAt
                    + ")";
        }
    }

    Optional<Live> live(String key) {
        ProcessDefinition latest = repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion()
                .singleResult();
        return Optional.ofNullable(latest).map(this::live);
    }

    Live live(ProcessDefinition definition) {
        Deployment deployment = repository.createDeploymentQuery().deploymentId(definition.getDeploymentId())
                .singleResult();
        return new Live(definition.getKey(), definition.getVersion(), definition.getId(),
                definition.getResourceName(), deployment.getName(), deployment.getSource(),
                deployment.getDeploymentTime().toInstant());
    }

    /**
     * Why a file of the journeys folder must not be deployed now, or null when it may: it changed since the folder
     * last deployed it, a journey it holds is live in a version that did not come from the folder, and the file was
     * not made from that version or a later one (its {@value #BASED_ON}). Names both versions.
     */
    String heldBack(String resourceName, byte[] content) {
        if (!resourceName.endsWith(".bpmn")) {
            return null;
        }
        for (Map.Entry<String, Integer> process : processes(content).entrySet()) {
            Optional<Live> live = live(process.getKey());
            if (live.isEmpty() || live.get().fromFolder()) {
                continue;
            }
            // Not latestVersion(): that is the key's latest of all, filtered afterwards.
            Optional<ProcessDefinition> lastFromFolder = repository.createProcessDefinitionQuery()
                    .processDefinitionKey(process.getKey()).processDefinitionResourceName(resourceName)
                    .orderByProcessDefinitionVersion().desc().listPage(0, 1).stream().findFirst();
            if (lastFromFolder.isPresent() && Arrays.equals(content, resource(lastFromFolder.get()))) {
                continue; // unchanged: nothing would be deployed
            }
            Integer basedOn = process.getValue();
            if (basedOn != null && basedOn >= live.get().version()) {
                continue;
            }
            String madeFrom = basedOn != null ? "version " + basedOn
                    : lastFromFolder.map(definition -> "version " + definition.getVersion())
                            .orElse("no deployed version");
            return resourceName + " changed, but it was made from " + madeFrom + " of journey '" + process.getKey()
                    + "', and the live one is " + live.get().describe() + ": not deployed over it. Export the live"
                    + " versions (--stageflow.journeys.export=true), then make your change to the exported file";
        }
        return null;
    }

    /** The processes of a BPMN file, by key, each with the version it says it was made from (null: none). */
    static Map<String, Integer> processes(byte[] bpmn) {
        Map<String, Integer> processes = new LinkedHashMap<>();
        BpmnModelInstance model = Bpmn.readModelFromStream(new ByteArrayInputStream(bpmn));
        for (Process process : model.getModelElementsByType(Process.class)) {
            processes.put(process.getId(), basedOn(process));
        }
        return processes;
    }

    /** Sets process {@code key}'s {@value #BASED_ON} to {@code version}, adding the property where it is missing. */
    static void markBasedOn(BpmnModelInstance model, String key, int version) {
        Process process = model.getModelElementById(key);
        ExtensionElements extensions = process.getExtensionElements();
        if (extensions == null) {
            extensions = model.newInstance(ExtensionElements.class);
            process.setExtensionElements(extensions);
        }
        CamundaProperties properties = extensions.getElementsQuery().filterByType(CamundaProperties.class).list()
                .stream().findFirst().orElse(null);
        if (properties == null) {
            properties = extensions.addExtensionElement(CamundaProperties.class);
        }
        CamundaProperty property = properties.getCamundaProperties().stream()
                .filter(candidate -> BASED_ON.equals(candidate.getCamundaName())).findFirst().orElse(null);
        if (property == null) {
            property = model.newInstance(CamundaProperty.class);
            property.setCamundaName(BASED_ON);
            properties.getCamundaProperties().add(property);
        }
        property.setCamundaValue(Integer.toString(version));
    }

    /**
     * The version's BPMN file as a marketer or Git should keep it: as deployed, with {@value #BASED_ON} set to the
     * version, so that a change made to it and deployed again is known to be made from it.
     */
    byte[] markedCopy(ProcessDefinition definition) {
        BpmnModelInstance model = Bpmn.readModelFromStream(new ByteArrayInputStream(resource(definition)));
        markBasedOn(model, definition.getKey(), definition.getVersion());
        return Bpmn.convertToString(model).getBytes(StandardCharsets.UTF_8);
    }

    byte[] resource(ProcessDefinition definition) {
        try (InputStream in = repository.getResourceAsStream(definition.getDeploymentId(),
                definition.getResourceName())) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Integer basedOn(Process process) {
        ExtensionElements extensions = process.getExtensionElements();
        if (extensions == null) {
            return null;
        }
        for (CamundaProperties properties : extensions.getElementsQuery().filterByType(CamundaProperties.class)
                .list()) {
            for (CamundaProperty property : properties.getCamundaProperties()) {
                if (BASED_ON.equals(property.getCamundaName())) {
                    try {
                        return Integer.valueOf(property.getCamundaValue().strip());
                    } catch (NumberFormatException | NullPointerException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }
}
