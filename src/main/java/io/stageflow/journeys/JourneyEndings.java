package io.stageflow.journeys;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.stageflow.delivery.JourneyEnded;

import org.camunda.bpm.engine.ActivityTypes;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.history.event.HistoricProcessInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.event.HistoryEventTypes;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.PvmTransition;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Tells delivery when a journey instance ends in a way that withdraws its unsent email ({@link JourneyEnded}), in
 * the engine's transaction: by a goal, that is at an end event that an event leads to with no send step in between
 * (a message, signal or condition: an intermediate catch event, a boundary event, or the start of an event
 * subprocess, as the abandoned cart's "Order completed for this cart"), or cancelled (deleted, erased: no end event).
 * An instance that ends by its normal path, after a send step, publishes nothing, so its last email still goes. The
 * end events that are goals in this sense are found when the journey is parsed; no Camunda type leaves this package.
 */
@Component
class JourneyEndings extends AbstractProcessEnginePlugin {

    /** The activity property set on end events an event leads to: a description of that goal. */
    static final String ENDED_BY_EVENT = "stageflow.endedByEvent";
    /** The activity property set on Stageflow send steps, where the backward walk stops. */
    private static final String SENDS_EMAIL = "stageflow.sendsEmail";
    private static final String SEND_EMAIL_EXPRESSION = "${sendEmail}";
    private static final Set<String> GOAL_EVENTS = Set.of(ActivityTypes.INTERMEDIATE_EVENT_MESSAGE,
            ActivityTypes.INTERMEDIATE_EVENT_SIGNAL, ActivityTypes.INTERMEDIATE_EVENT_CONDITIONAL,
            ActivityTypes.BOUNDARY_MESSAGE, ActivityTypes.BOUNDARY_SIGNAL, ActivityTypes.BOUNDARY_CONDITIONAL);
    private static final Set<String> EVENT_SUBPROCESS_STARTS = Set.of(ActivityTypes.START_EVENT_MESSAGE,
            ActivityTypes.START_EVENT_SIGNAL, ActivityTypes.START_EVENT_CONDITIONAL);

    private final ApplicationEventPublisher events;

    JourneyEndings(ApplicationEventPublisher events) {
        this.events = events;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        EngineHooks.addHistoryHandlerOnce(configuration, endings);
        EngineHooks.addParseListenerOnce(configuration, goals);
    }

    private final BpmnParseListener goals = new AbstractBpmnParseListener() {
        @Override
        public void parseServiceTask(Element serviceTask, ScopeImpl scope, ActivityImpl activity) {
            String delegate = serviceTask.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "delegateExpression");
            if (delegate != null && SEND_EMAIL_EXPRESSION.equals(delegate.strip())) {
                activity.setProperty(SENDS_EMAIL, Boolean.TRUE);
            }
        }

        @Override
        public void parseProcess(Element process, ProcessDefinitionEntity definition) {
            for (ActivityImpl end : endEvents(definition, new ArrayList<>())) {
                String goal = eventLeadingTo(end);
                if (goal != null) {
                    String description = "'" + goal + "' ended it at '" + nameOf(end) + "'";
                    end.setProperty(ENDED_BY_EVENT, description);
                    // An instance that an event subprocess ended names the subprocess as its end activity.
                    if (end.getFlowScope() instanceof ActivityImpl subprocess && subprocess.isTriggeredByEvent()
                            && subprocess.getProperty(ENDED_BY_EVENT) == null) {
                        subprocess.setProperty(ENDED_BY_EVENT, description);
                    }
                }
            }
        }
    };

    private static List<ActivityImpl> endEvents(ScopeImpl scope, List<ActivityImpl> found) {
        for (ActivityImpl activity : scope.getActivities()) {
            String type = (String) activity.getProperty("type");
            if (type != null && type.endsWith("EndEvent")) {
                found.add(activity);
            }
            endEvents(activity, found);
        }
        return found;
    }

    /**
     * The name of an event that leads to this end event with no send step in between, walking back along the
     * sequence flows (and from a boundary event to nothing further), or null when none does.
     */
    static String eventLeadingTo(ActivityImpl end) {
        Deque<ActivityImpl> toVisit = new ArrayDeque<>(List.of(end));
        Set<String> seen = new HashSet<>();
        while (!toVisit.isEmpty()) {
            ActivityImpl activity = toVisit.pop();
            if (!seen.add(activity.getId()) || Boolean.TRUE.equals(activity.getProperty(SENDS_EMAIL))) {
                continue;
            }
            String type = (String) activity.getProperty("type");
            if (GOAL_EVENTS.contains(type) || EVENT_SUBPROCESS_STARTS.contains(type) && inEventSubprocess(activity)) {
                return nameOf(activity);
            }
            for (PvmTransition incoming : activity.getIncomingTransitions()) {
                toVisit.push((ActivityImpl) incoming.getSource());
            }
        }
        return null;
    }

    private static boolean inEventSubprocess(ActivityImpl activity) {
        return activity.getFlowScope() instanceof ActivityImpl scope && scope.isTriggeredByEvent();
    }

    private static String nameOf(ActivityImpl activity) {
        Object name = activity.getProperty("name");
        return name instanceof String text && !text.isBlank() ? text.strip() : activity.getId();
    }

    /** A handler of its own rather than this bean: Camunda's Spring Boot starter takes a handler bean as its only one. */
    private final HistoryEventHandler endings = new HistoryEventHandler() {
        @Override
        public void handleEvent(HistoryEvent event) {
            if (event instanceof HistoricProcessInstanceEventEntity journey
                    && journey.isEventOfType(HistoryEventTypes.PROCESS_INSTANCE_END)) {
                ended(journey);
            }
        }

        @Override
        public void handleEvents(List<HistoryEvent> events) {
            events.forEach(this::handleEvent);
        }
    };

    private void ended(HistoricProcessInstanceEventEntity journey) {
        String endId = journey.getEndActivityId();
        if (endId == null) {
            events.publishEvent(new JourneyEnded(journey.getProcessInstanceId(), journey.getProcessDefinitionKey(),
                    JourneyEnded.Ending.CANCELLED, journey.getDeleteReason()));
            return;
        }
        String goal = goalOf(journey.getProcessDefinitionId(), endId);
        if (goal != null) {
            events.publishEvent(new JourneyEnded(journey.getProcessInstanceId(), journey.getProcessDefinitionKey(),
                    JourneyEnded.Ending.GOAL, goal));
        }
    }

    private static String goalOf(String definitionId, String endId) {
        ProcessDefinitionEntity definition = Context.getProcessEngineConfiguration().getDeploymentCache()
                .findDeployedProcessDefinitionById(definitionId);
        ActivityImpl end = definition == null ? null : definition.findActivity(endId);
        Object goal = end == null ? null : end.getProperty(ENDED_BY_EVENT);
        return goal instanceof String text ? text : null;
    }
}
