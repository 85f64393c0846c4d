package io.stageflow.journeys;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Activity;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.CatchEvent;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Message;
import org.camunda.bpm.model.bpmn.instance.MessageEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ReceiveTask;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.springframework.stereotype.Component;

/**
 * What the deployed journeys listen for, read from their BPMN: which start on an event type, and which
 * messages each step can still wait for further down its path. Definitions never change once deployed, so
 * each is analysed once.
 */
@Component
class JourneyModels {

    /** Process property naming the event property that tells a customer's instances of the journey apart. */
    static final String CORRELATE_BY = "correlateBy";

    private final RepositoryService repositoryService;
    private final Map<String, Analysis> analyses = new ConcurrentHashMap<>();
    private final Set<String> scannedDefinitions = ConcurrentHashMap.newKeySet();
    private final Set<String> messageNames = ConcurrentHashMap.newKeySet();
    private volatile long scannedDefinitionCount = -1;

    JourneyModels(RepositoryService repositoryService) {
        this.repositoryService = repositoryService;
    }

    /**
     * What the deployed journeys listen for now; the router reads it once per batch of events instead of asking
     * the repository for every event. Start triggers come from the latest active version of each journey. The
     * message names come from every version deployed since this node started (a superset: an older version's
     * running instances can still wait for its messages, and a deleted version's names do no harm): the whole
     * repository is read again only when its number of definitions changed.
     */
    Listening listening() {
        List<ProcessDefinition> latest = repositoryService.createProcessDefinitionQuery().latestVersion().list();
        latest.forEach(this::scanMessages);
        long definitions = repositoryService.createProcessDefinitionQuery().count();
        if (definitions != scannedDefinitionCount) {
            repositoryService.createProcessDefinitionQuery().list().forEach(this::scanMessages);
            scannedDefinitionCount = definitions;
        }
        List<StartTrigger> starts = new ArrayList<>();
        for (ProcessDefinition definition : latest) {
            if (definition.isSuspended()) {
                continue;
            }
            Analysis analysis = analysis(definition.getId());
            for (String message : analysis.startMessages()) {
                starts.add(new StartTrigger(definition.getId(), definition.getKey(), message, analysis.reentry(),
                        analysis.correlateBy()));
            }
        }
        return new Listening(List.copyOf(starts), Set.copyOf(messageNames));
    }

    private void scanMessages(ProcessDefinition definition) {
        if (scannedDefinitions.add(definition.getId())) {
            repositoryService.getBpmnModelInstance(definition.getId()).getModelElementsByType(Message.class)
                    .stream().map(Message::getName).filter(name -> name != null).forEach(messageNames::add);
        }
    }

    /** Whether an instance at these steps can still reach a step that waits for this message. */
    boolean mayStillCatch(String processDefinitionId, Collection<String> activeActivityIds, String messageName) {
        Analysis analysis = analysis(processDefinitionId);
        return activeActivityIds.stream()
                .anyMatch(activity -> analysis.reachableMessages(activity).contains(messageName));
    }

    private Analysis analysis(String processDefinitionId) {
        return analyses.computeIfAbsent(processDefinitionId,
                id -> new Analysis(repositoryService.getBpmnModelInstance(id)));
    }

    /** The deployed journeys' start triggers and every message name they declare, at one moment. */
    record Listening(List<StartTrigger> starts, Set<String> messageNames) {

        /**
         * The latest active version of every journey with a message start event for this event type. Camunda wants
         * message start names unique across processes, so a start message may add a qualifier:
         * {@code type:anything}.
         */
        List<StartTrigger> startsFor(String eventType) {
            return starts.stream().filter(trigger -> names(trigger.messageName(), eventType)).toList();
        }

        /** False only when no journey version can start on or wait for this event type. */
        boolean mayListenFor(String eventType) {
            // A name given as an expression could evaluate to anything.
            return messageNames.stream().anyMatch(name -> names(name, eventType) || name.contains("${")
                    || name.contains("#{"));
        }

        private static boolean names(String messageName, String eventType) {
            return messageName.equals(eventType) || messageName.startsWith(eventType + ":");
        }
    }

    /** A journey version that starts on an event, the message name its start event declares, and who may re-enter. */
    record StartTrigger(String processDefinitionId, String journeyKey, String messageName, ReentryPolicy reentry,
            String correlateBy) {
    }

    /**
     * The event property that tells this journey's instances for one customer apart (its {@code correlateBy}
     * process property, such as {@code cartId}), or null when the customer id alone does.
     */
    String correlationPropertyOf(String processDefinitionId) {
        return analysis(processDefinitionId).correlateBy();
    }

    /** The process's extension property of this name as written, or null. */
    static String processProperty(Process process, String name) {
        if (process.getExtensionElements() == null) {
            return null;
        }
        return process.getExtensionElements().getElementsQuery()
                .filterByType(CamundaProperties.class).list().stream()
                .flatMap(properties -> properties.getCamundaProperties().stream())
                .filter(property -> name.equals(property.getCamundaName()))
                .map(CamundaProperty::getCamundaValue).findFirst().orElse(null);
    }

    /** The journey's re-entry policy; a bad value is refused at deployment by {@link StepValidation}. */
    static ReentryPolicy reentryOf(Process process) {
        return ReentryPolicy.parse(reentryValue(process));
    }

    /** The process's {@code reentry} extension property as written, or null. */
    static String reentryValue(Process process) {
        return processProperty(process, ReentryPolicy.PROPERTY);
    }

    /** Reachability over one process model, computed per step on first use. */
    private static final class Analysis {

        private final BpmnModelInstance model;
        private final List<String> startMessages = new ArrayList<>();
        private final Map<String, List<BoundaryEvent>> boundaryEvents = new HashMap<>();
        private final Map<String, Set<String>> reachable = new ConcurrentHashMap<>();
        private final ReentryPolicy reentry;
        private final String correlateBy;

        Analysis(BpmnModelInstance model) {
            this.model = model;
            Process process = model.getModelElementsByType(Process.class).stream().filter(Process::isExecutable)
                    .findFirst().orElse(null);
            this.reentry = process == null ? ReentryPolicy.ONCE_ACTIVE : reentryOf(process);
            String property = process == null ? null : processProperty(process, CORRELATE_BY);
            this.correlateBy = property == null || property.isBlank() ? null : property.strip();
            for (StartEvent start : model.getModelElementsByType(StartEvent.class)) {
                if (start.getParentElement() instanceof Process) {
                    startMessages.addAll(messageNames(start));
                }
            }
            for (BoundaryEvent boundary : model.getModelElementsByType(BoundaryEvent.class)) {
                boundaryEvents.computeIfAbsent(boundary.getAttachedTo().getId(), id -> new ArrayList<>()).add(boundary);
            }
        }

        List<String> startMessages() {
            return startMessages;
        }

        ReentryPolicy reentry() {
            return reentry;
        }

        String correlateBy() {
            return correlateBy;
        }

        Set<String> reachableMessages(String activityId) {
            return reachable.computeIfAbsent(activityId, this::computeReachable);
        }

        private Set<String> computeReachable(String activityId) {
            ModelElementInstance element = model.getModelElementById(activityId);
            if (!(element instanceof FlowNode node)) {
                return Set.of();
            }
            Deque<FlowNode> todo = new ArrayDeque<>();
            todo.push(node);
            // Event subprocesses of every enclosing scope can start while the instance is inside that scope.
            for (ModelElementInstance scope = node.getParentElement(); scope != null; scope = scope.getParentElement()) {
                for (SubProcess eventSubProcess : scope.getChildElementsByType(SubProcess.class)) {
                    if (eventSubProcess.triggeredByEvent()) {
                        eventSubProcess.getChildElementsByType(StartEvent.class).forEach(todo::push);
                    }
                }
            }
            Set<String> seen = new HashSet<>();
            Set<String> messages = new HashSet<>();
            while (!todo.isEmpty()) {
                FlowNode current = todo.pop();
                if (!seen.add(current.getId())) {
                    continue;
                }
                messages.addAll(messageNames(current));
                if (current instanceof Activity) {
                    boundaryEvents.getOrDefault(current.getId(), List.of()).forEach(todo::push);
                }
                if (current instanceof SubProcess subProcess && !subProcess.triggeredByEvent()) {
                    subProcess.getChildElementsByType(StartEvent.class).forEach(todo::push);
                }
                if (current instanceof EndEvent && current.getParentElement() instanceof SubProcess subProcess) {
                    subProcess.getOutgoing().stream().map(SequenceFlow::getTarget).forEach(todo::push);
                }
                current.getOutgoing().stream().map(SequenceFlow::getTarget).forEach(todo::push);
            }
            return messages;
        }

        private static List<String> messageNames(FlowNode node) {
            List<String> names = new ArrayList<>();
            if (node instanceof CatchEvent catchEvent) {
                for (var definition : catchEvent.getEventDefinitions()) {
                    if (definition instanceof MessageEventDefinition message && message.getMessage() != null) {
                        names.add(message.getMessage().getName());
                    }
                }
            }
            if (node instanceof ReceiveTask receiveTask && receiveTask.getMessage() != null) {
                names.add(receiveTask.getMessage().getName());
            }
            return names;
        }
    }
}
