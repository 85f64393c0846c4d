package io.stageflow.journeys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.springframework.stereotype.Component;

/**
 * The journeys as the console lists and draws them, without the engine's types: each journey's live version and who
 * is in it now, every version of it, the BPMN diagram of a version as it was deployed, and a customer's journeys
 * with the steps and decisions on their way.
 */
@Component
public class JourneyCatalog {

    private final RepositoryService repository;
    private final RuntimeService runtime;
    private final TaskService tasks;
    private final HistoryService history;
    private final JourneyLineage lineage;
    private final HeldBackJourneyFiles heldBack;

    private final DeploymentRecords records;

    JourneyCatalog(RepositoryService repository, RuntimeService runtime, TaskService tasks, HistoryService history,
            HeldBackJourneyFiles heldBack, DeploymentRecords records) {
        this.records = records;
        this.repository = repository;
        this.runtime = runtime;
        this.tasks = tasks;
        this.history = history;
        this.lineage = new JourneyLineage(repository);
        this.heldBack = heldBack;
    }

    /**
     * The files of the journeys folder that this node did not deploy at its start, and why: each was made from an
     * older version than one deployed from elsewhere (Camunda Modeler), which stays live. Both versions are named.
     */
    public List<String> heldBackFiles() {
        return heldBack.reasons();
    }

    /**
     * The customer's journeys, newest first (at most {@code limit}): when each started and ended and where, the steps
     * it passed in order, and the decisions it took on the way (a decision table's result), from the engine's history.
     */
    public List<CustomerJourney> journeysOf(String customerId, int limit) {
        List<HistoricProcessInstance> instances = history.createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(customerId).orderByProcessInstanceStartTime().desc().listPage(0, limit);
        List<CustomerJourney> journeys = new ArrayList<>();
        for (HistoricProcessInstance instance : instances) {
            List<Passed> steps = new ArrayList<>();
            String endedAt = null;
            for (HistoricActivityInstance activity : history.createHistoricActivityInstanceQuery()
                    .processInstanceId(instance.getId()).orderByHistoricActivityInstanceStartTime().asc()
                    .orderPartiallyByOccurrence().asc().list()) {
                if (activity.getActivityName() == null || activity.getActivityType().contains("Gateway")) {
                    continue;
                }
                steps.add(new Passed(activity.getActivityId(), activity.getActivityName(), activity.getActivityType(),
                        activity.getStartTime().toInstant()));
                if (activity.getActivityType().endsWith("EndEvent")) {
                    endedAt = activity.getActivityName();
                }
            }
            List<Decision> decisions = history.createHistoricDecisionInstanceQuery()
                    .processInstanceId(instance.getId()).includeOutputs().list().stream()
                    .map(decision -> new Decision(decision.getDecisionDefinitionKey(),
                            decision.getDecisionDefinitionName(), decision.getEvaluationTime().toInstant(),
                            decision.getOutputs().stream().map(output -> output.getVariableName() + " = "
                                    + output.getValue()).collect(Collectors.joining(", "))))
                    .toList();
            journeys.add(new CustomerJourney(instance.getId(), instance.getProcessDefinitionKey(),
                    instance.getProcessDefinitionName() == null ? instance.getProcessDefinitionKey()
                            : instance.getProcessDefinitionName(),
                    instance.getProcessDefinitionVersion() == null ? 0 : instance.getProcessDefinitionVersion(),
                    instance.getStartTime().toInstant(),
                    instance.getEndTime() == null ? null : instance.getEndTime().toInstant(), endedAt,
                    List.copyOf(steps), decisions));
        }
        return journeys;
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
                .sorted(Comparator.comparing(ProcessDefinition::getKey)).map(this::journey).toList();
    }

    /** The journey, if it was ever deployed: its own queries, not every journey's. */
    public Optional<Journey> journey(String key) {
        return Optional.ofNullable(repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion()
                .singleResult()).map(this::journey);
    }

    /** The journey's versions, newest first; empty when it was never deployed. */
    public List<Integer> versions(String key) {
        return repository.createProcessDefinitionQuery().processDefinitionKey(key).list().stream()
                .map(ProcessDefinition::getVersion).sorted(Comparator.reverseOrder()).toList();
    }

    /**
     * Every version of the journey, newest first: when it was deployed, by whom (null for the journeys folder's
     * deployments at start-up) and from where, the comment it came with, and the customers in it now.
     */
    public List<JourneyVersion> versionHistory(String key) {
        List<ProcessDefinition> definitions = repository.createProcessDefinitionQuery().processDefinitionKey(key)
                .orderByProcessDefinitionVersion().desc().list();
        Map<String, DeploymentRecords.Record> people = records.of(definitions.stream()
                .map(ProcessDefinition::getDeploymentId).distinct().toList());
        Map<String, Deployment> deployments = new HashMap<>();
        definitions.stream().map(ProcessDefinition::getDeploymentId).distinct().forEach(id -> deployments.put(id,
                repository.createDeploymentQuery().deploymentId(id).singleResult()));
        List<JourneyVersion> versions = new ArrayList<>();
        for (ProcessDefinition definition : definitions) {
            Deployment deployment = deployments.get(definition.getDeploymentId());
            DeploymentRecords.Record person = people.get(definition.getDeploymentId());
            boolean fromFolder = deployment != null && JourneyDeployer.DEPLOYMENT_NAME.equals(deployment.getName());
            versions.add(new JourneyVersion(definition.getVersion(),
                    deployment == null ? null : deployment.getDeploymentTime().toInstant(),
                    person == null ? null : person.deployedBy(), fromFolder ? "bpmn/ at start-up"
                            : deployment == null || deployment.getSource() == null ? "the engine's API"
                            : deployment.getSource(),
                    person == null ? null : person.comment(), definition.getResourceName(),
                    runtime.createProcessInstanceQuery().processDefinitionId(definition.getId()).count()));
        }
        return versions;
    }

    /**
     * What changed from version {@code from} to version {@code to}: steps, events and flows added, removed and
     * changed, and how. Empty when either version does not exist.
     */
    public Optional<List<Change>> changes(String key, int from, int to) {
        Optional<String> before = diagram(key, from);
        Optional<String> after = diagram(key, to);
        if (before.isEmpty() || after.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(JourneyChanges.between(before.get(), after.get()));
    }

    /**
     * The version's BPMN file to download and change (in Camunda Modeler): as deployed, marked as made from this
     * version, so that uploading an edit of it after someone else deployed a newer version is refused, not lost.
     */
    public Optional<Download> download(String key, int version) {
        return repository.createProcessDefinitionQuery().processDefinitionKey(key).processDefinitionVersion(version)
                .list().stream().findFirst().map(definition -> new Download(
                        key + "-v" + version + ".bpmn", lineage.markedCopy(definition)));
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

    /** The bean each channel step runs, and its channel's key (as {@code delivery.Channel#key}). */
    private static final Map<String, String> CHANNEL_STEPS = Map.of("${callWebhook}", "webhook", "${sendSms}", "sms",
            "${sendWhatsApp}", "whatsapp");

    /**
     * The steps of the journey's latest version that send on a channel other than email (Call webhook, Send SMS, Send
     * WhatsApp), in the file's order, each with its settings as written: what the console previews for a customer.
     */
    public List<ChannelStep> channelSteps(String key) {
        ProcessDefinition latest = repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion()
                .singleResult();
        if (latest == null) {
            return List.of();
        }
        BpmnModelInstance model = repository.getBpmnModelInstance(latest.getId());
        List<ChannelStep> steps = new ArrayList<>();
        for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
            String channel = CHANNEL_STEPS.get(task.getCamundaDelegateExpression() == null ? ""
                    : task.getCamundaDelegateExpression().strip());
            if (channel == null) {
                continue;
            }
            Map<String, String> settings = new LinkedHashMap<>();
            CamundaInputOutput io = task.getExtensionElements() == null ? null : task.getExtensionElements()
                    .getElementsQuery().filterByType(CamundaInputOutput.class).list().stream().findFirst().orElse(null);
            if (io != null) {
                for (CamundaInputParameter input : io.getCamundaInputParameters()) {
                    settings.put(input.getCamundaName(), input.getTextContent());
                }
            }
            steps.add(new ChannelStep(task.getId(), task.getName() == null ? task.getId() : task.getName(), channel,
                    settings));
        }
        return steps;
    }

    /** A step that sends on a channel other than email: its id and name, the channel, and its inputs as written. */
    public record ChannelStep(String id, String name, String channel, Map<String, String> settings) {
    }

    private static String name(ProcessDefinition definition) {
        return definition.getName() == null || definition.getName().isBlank() ? definition.getKey()
                : definition.getName();
    }

    /**
     * One journey of one customer.
     *
     * @param instanceId the engine's id of it (the outbox rows of its emails name it)
     * @param endedAt    when it ended, or null while it runs
     * @param endStep    the name of the end event it reached, or null
     * @param steps      the named steps and events it passed, in order
     * @param decisions  the decision tables it evaluated, with their results
     */
    public record CustomerJourney(String instanceId, String key, String name, int version, Instant startedAt,
            Instant endedAt, String endStep, List<Passed> steps, List<Decision> decisions) {
    }

    /**
     * One version of a journey.
     *
     * @param deployedBy who deployed it (in the console or from Camunda Modeler), or null for the journeys folder
     * @param from       where it came from: "bpmn/ at start-up", "Stageflow console", "Camunda Modeler", …
     * @param inItNow    customers in this version now
     */
    public record JourneyVersion(int version, Instant deployedAt, String deployedBy, String from, String comment,
            String fileName, long inItNow) {

        private static final DateTimeFormatter UTC_MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .withZone(ZoneOffset.UTC);

        /** When it was deployed, to the minute in UTC, as the console shows it. */
        public String deployedUtc() {
            return deployedAt == null ? null : UTC_MINUTES.format(deployedAt);
        }
    }

    /** How a flow element differs between two versions. */
    public enum ChangeKind {
        ADDED, REMOVED, CHANGED
    }

    /**
     * A step, event, gateway or flow that differs between two versions.
     *
     * @param elementId its id in the BPMN file (on the diagram)
     * @param name      its name, or null
     * @param type      its BPMN type ({@code serviceTask}, {@code intermediateCatchEvent}, {@code sequenceFlow})
     * @param details   for a changed one, each difference ("timerEventDefinition/timeDuration: 'P3D' → 'P5D'")
     */
    public record Change(String elementId, String name, String type, ChangeKind kind, List<String> details) {
    }

    /** A version's BPMN file as downloaded. */
    public record Download(String fileName, byte[] content) {
    }

    /** A step or event a journey passed, and when. */
    public record Passed(String id, String name, String type, Instant at) {
    }

    /** A decision table a journey evaluated, and its result, as {@code output = value} pairs. */
    public record Decision(String key, String name, Instant at, String result) {
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
     * @param liveFrom    where the live version came from when not from the journeys folder ("version 2 (deployed as
     *                    'welcome' from Camunda Modeler at …)"), else null
     */
    public record Journey(String key, String name, int liveVersion, String liveId, boolean suspended, long inItNow,
            String liveFrom) {
    }

    private Journey journey(ProcessDefinition latest) {
        return new Journey(latest.getKey(), name(latest), latest.getVersion(), latest.getId(), latest.isSuspended(),
                runtime.createProcessInstanceQuery().processDefinitionKey(latest.getKey()).count(), liveFrom(latest));
    }

    private String liveFrom(ProcessDefinition latest) {
        JourneyLineage.Live live = lineage.live(latest);
        return live.fromFolder() ? null : live.describe();
    }
}
