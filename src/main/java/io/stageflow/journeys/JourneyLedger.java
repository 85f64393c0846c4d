package io.stageflow.journeys;

import java.sql.Timestamp;
import java.util.Date;
import java.util.List;

import io.stageflow.experiments.ExperimentResults;
import io.stageflow.support.Tallies;

import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.history.event.HistoricActivityInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricProcessInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.event.HistoryEventTypes;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.pvm.runtime.ActivityInstanceState;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Journey figures that outlive Camunda's history cleanup: the engine's history events (a journey started, a step
 * reached or completed, a journey ended at an end event or was cancelled) are counted
 * as {@link Tallies} of series {@code journey}, in the engine's own transaction, so a figure is counted exactly when
 * the step it counts is committed, and concurrent journeys never wait on one another's counters. Also marks the goal end events of each journey at deployment: an end event with the Camunda property
 * {@code outcome} = {@code converted} (docs/modeler.md).
 */
@Component
class JourneyLedger extends AbstractProcessEnginePlugin implements HistoryEventHandler {

    /** The end event property that marks a journey's goal, and its value. */
    static final String OUTCOME_PROPERTY = "outcome";
    static final String CONVERTED = "converted";
    /** The activity property the parse listener sets on goal end events. */
    private static final String GOAL = "stageflow.goal";
    /** The property of an event subprocess with a goal end event: the id of that end event. */
    private static final String GOAL_END = "stageflow.goalEnd";
    private static final String SEVERAL = "";
    /** The element id of journey-wide figures (entered, cancelled). */
    static final String WHOLE_JOURNEY = "";

    /** What one ledger row counts. */
    enum Figure { ENTERED, REACHED, COMPLETED, ENDED, CONVERTED, CANCELLED }

    /** The series of journey tallies. */
    static final String SERIES = "journey";

    private final JdbcClient jdbc;
    private final Tallies tallies;
    private final ExperimentResults experiments;

    JourneyLedger(JdbcClient jdbc, Tallies tallies, ExperimentResults experiments) {
        this.jdbc = jdbc;
        this.tallies = tallies;
        this.experiments = experiments;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        // Plugins may be applied twice to one configuration: each hook is added once.
        EngineHooks.addHistoryHandlerOnce(configuration, this);
        EngineHooks.addParseListenerOnce(configuration, goals);
    }

    /**
     * Marks the goal end events of each journey as it is parsed; and an event subprocess that ends at one (the
     * abandoned cart's "Order for this cart"), since the engine names the subprocess, not its end event, as the
     * end of an instance that such a subprocess ended.
     */
    private final BpmnParseListener goals = new AbstractBpmnParseListener() {
        @Override
        public void parseEndEvent(Element endEvent, ScopeImpl scope, ActivityImpl activity) {
            if (CONVERTED.equals(StepValidation.camundaProperty(endEvent, OUTCOME_PROPERTY))) {
                activity.setProperty(GOAL, Boolean.TRUE);
            }
        }

        @Override
        public void parseProcess(Element process, ProcessDefinitionEntity definition) {
            markEventSubprocessGoals(definition);
        }
    };

    private static void markEventSubprocessGoals(ScopeImpl scope) {
        for (ActivityImpl activity : scope.getActivities()) {
            if (Boolean.TRUE.equals(activity.getProperty(GOAL)) && activity.getFlowScope() instanceof ActivityImpl
                    subprocess && subprocess.isTriggeredByEvent()) {
                subprocess.setProperty(GOAL, Boolean.TRUE);
                // The end event the figures name: this one, unless the subprocess has several goal ends.
                Object named = subprocess.getProperty(GOAL_END);
                subprocess.setProperty(GOAL_END, named == null ? activity.getId() : SEVERAL);
            }
            markEventSubprocessGoals(activity);
        }
    }

    @Override
    public void handleEvent(HistoryEvent event) {
        if (event instanceof HistoricActivityInstanceEventEntity step) {
            if (!isStep(step.getActivityType())) {
                return;
            }
            if (step.isEventOfType(HistoryEventTypes.ACTIVITY_INSTANCE_START)) {
                add(step, step.getActivityId(), Figure.REACHED, step.getStartTime());
            } else if (step.isEventOfType(HistoryEventTypes.ACTIVITY_INSTANCE_END)
                    && step.getActivityInstanceState() != ActivityInstanceState.CANCELED.getStateCode()) {
                add(step, step.getActivityId(), Figure.COMPLETED, step.getEndTime());
            }
        } else if (event instanceof HistoricProcessInstanceEventEntity journey) {
            if (journey.isEventOfType(HistoryEventTypes.PROCESS_INSTANCE_START)) {
                add(journey, WHOLE_JOURNEY, Figure.ENTERED, journey.getStartTime());
            } else if (journey.isEventOfType(HistoryEventTypes.PROCESS_INSTANCE_END)) {
                ended(journey);
            }
        }
    }

    @Override
    public void handleEvents(List<HistoryEvent> events) {
        events.forEach(this::handleEvent);
    }

    private void ended(HistoricProcessInstanceEventEntity journey) {
        String endId = journey.getEndActivityId();
        if (endId == null) {
            add(journey, WHOLE_JOURNEY, Figure.CANCELLED, journey.getEndTime());
            return;
        }
        ActivityImpl end = activity(journey.getProcessDefinitionId(), endId);
        Object goalEnd = end == null ? null : end.getProperty(GOAL_END);
        if (goalEnd instanceof String id && !id.equals(SEVERAL)) {
            endId = id; // an event subprocess ended the journey at its one goal end event
        }
        add(journey, endId, Figure.ENDED, journey.getEndTime());
        if (end != null && Boolean.TRUE.equals(end.getProperty(GOAL))) {
            add(journey, endId, Figure.CONVERTED, journey.getEndTime());
            // The end event carries no start time: the journey's history row has it (in this transaction's cache).
            Date started = Context.getCommandContext().getHistoricProcessInstanceManager()
                    .findHistoricProcessInstance(journey.getProcessInstanceId()).getStartTime();
            jdbc.sql("insert into sf_journey_conversion (journey_key, journey_version, converted_at, duration_ms)"
                            + " values (?, ?, ?, ?)")
                    .params(journey.getProcessDefinitionKey(), journey.getProcessDefinitionVersion(),
                            Timestamp.from(journey.getEndTime().toInstant()),
                            journey.getEndTime().getTime() - started.getTime())
                    .update();
            experiments.converted(journey.getProcessInstanceId(), journey.getEndTime().toInstant());
        }
    }

    private void add(HistoryEvent event, String elementId, Figure figure, Date at) {
        tallies.add(new Tallies.Tally(SERIES, event.getProcessDefinitionKey(), event.getProcessDefinitionVersion(),
                elementId, figure.name()), (at != null ? at : ClockUtil.getCurrentTime()).toInstant());
    }

    /**
     * Steps are what a customer goes through: not the start, the end events or the gateways that only route, but an
     * event-based gateway is a step, since customers wait there (the welcome journey's "First order within 3 days?").
     */
    static boolean isStep(String activityType) {
        return activityType != null && !activityType.equals("startEvent") && !activityType.endsWith("EndEvent")
                && (!activityType.endsWith("Gateway") || activityType.equals("eventBasedGateway"))
                && !activityType.equals("multiInstanceBody");
    }

    private static ActivityImpl activity(String definitionId, String activityId) {
        ProcessDefinitionEntity definition = Context.getProcessEngineConfiguration().getDeploymentCache()
                .findDeployedProcessDefinitionById(definitionId);
        return definition == null ? null : definition.findActivity(activityId);
    }
}
