package io.stageflow.journeys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.stageflow.events.EventEffect;
import io.stageflow.events.StoredEvent;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstanceQuery;
import org.camunda.bpm.engine.runtime.Execution;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstanceQuery;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.stereotype.Component;

/**
 * Hands one event to the engine, inside the caller's transaction: starts every journey whose start event
 * listens for the event type, and delivers it to every step of this customer's journeys that waits for it.
 * Before that, the features' own rules for the event type run ({@link EventEffect}s: an order updates the
 * customer's order counts and lifecycle stage, redeems its coupon, converts a referral), in their order.
 * <p>
 * "Not waiting yet": when no step waits for the event now, but a running journey of the same customer is at a
 * step from which it can still reach one (typically its asynchronous send step just before the wait), the
 * event is not consumed. The router keeps it and tries again, up to {@code stageflow.journeys.router.await-catch-for}.
 */
@Component
class EventRouting {

    /** The variable naming the latest event the journey received: what its emails show as {@code $event}. */
    static final String LAST_EVENT_MESSAGE_ID = "lastEventMessageId";

    /** Event properties that become process variables: simple names, simple values. */
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final int MAX_STRING_VARIABLE = 4000;

    private final RuntimeService runtimeService;
    private final HistoryService historyService;
    private final JourneyModels models;
    /**
     * Per event type, the effects that act on it (whether or not a journey listens), in their
     * {@link org.springframework.core.annotation.Order @Order}.
     */
    private final Map<String, List<EventEffect>> effects;

    EventRouting(RuntimeService runtimeService, HistoryService historyService, JourneyModels models,
            List<EventEffect> effects) {
        this.runtimeService = runtimeService;
        this.historyService = historyService;
        this.models = models;
        this.effects = byEventType(effects);
    }

    private static Map<String, List<EventEffect>> byEventType(List<EventEffect> effects) {
        List<EventEffect> ordered = new ArrayList<>(effects);
        AnnotationAwareOrderComparator.sort(ordered);
        Map<String, List<EventEffect>> byType = new LinkedHashMap<>();
        for (EventEffect effect : ordered) {
            effect.eventTypes().forEach(type -> byType.computeIfAbsent(type, t -> new ArrayList<>()).add(effect));
        }
        byType.replaceAll((type, list) -> List.copyOf(list));
        return Map.copyOf(byType);
    }

    /**
     * @param mayDefer whether the event may still be held back for a journey that has not reached its wait; once
     *                 that grace period is over it is routed anyway (effects, starts, current waits), and the
     *                 result says that the expected wait was missed
     */
    Result route(StoredEvent event, boolean mayDefer, JourneyModels.Listening journeys) {
        if (!actsOn(event.type(), journeys)) {
            return Result.NOTHING_ACTS_ON_IT;
        }
        List<Execution> waiting = runtimeService.createExecutionQuery()
                .processInstanceBusinessKey(event.customerId())
                .messageEventSubscriptionName(event.type())
                .active()
                .list().stream().filter(execution -> isFor(execution, event)).toList();
        boolean expectedElsewhere = waiting.isEmpty() && aJourneyMayStillWaitFor(event);
        if (expectedElsewhere && mayDefer) {
            return Result.notWaitingYet();
        }
        Map<String, Object> variables = variables(event);
        // Before journeys start or continue, so that they see what the effects did (the stage this order leads to,
        // its number); in this transaction, so that a failure rolls them back with the rest.
        EventEffect.RoutedEvent routed = new EventEffect.RoutedEvent(event, variables);
        for (EventEffect effect : effects.getOrDefault(event.type(), List.of())) {
            effect.apply(routed);
        }
        // Waiting steps first: an order that ends a running upsell lets the re-entry policy start the next one.
        int delivered = 0;
        for (Execution execution : waiting) {
            // An interrupting catch delivered earlier in this loop may have ended the others.
            boolean stillWaiting = runtimeService.createExecutionQuery().executionId(execution.getId())
                    .messageEventSubscriptionName(event.type()).count() > 0;
            if (stillWaiting) {
                runtimeService.messageEventReceived(event.type(), execution.getId(), variables);
                delivered++;
            }
        }
        List<String> started = new ArrayList<>();
        List<String> declined = new ArrayList<>();
        for (JourneyModels.StartTrigger trigger : journeys.startsFor(event.type())) {
            if (!mayEnter(trigger, event)) {
                declined.add(trigger.journeyKey());
                continue;
            }
            runtimeService.startProcessInstanceByMessageAndProcessDefinitionId(trigger.messageName(),
                    trigger.processDefinitionId(), event.customerId(), variables);
            started.add(trigger.journeyKey());
        }
        return Result.routed(started, declined, delivered, expectedElsewhere);
    }

    /**
     * False for event types that no journey version can start on or wait for and no {@link EventEffect} acts on
     * (page views and other tracking events): routing them changes nothing.
     */
    boolean actsOn(String eventType, JourneyModels.Listening journeys) {
        return journeys.mayListenFor(eventType) || effects.containsKey(eventType);
    }

    /**
     * The journey's re-entry policy, over every version of it (a new version is the same journey). A journey that
     * correlates by an event property (two carts, two instances) applies it per value of that property.
     */
    private boolean mayEnter(JourneyModels.StartTrigger trigger, StoredEvent event) {
        Object key = trigger.correlateBy() == null ? null : event.properties().get(trigger.correlateBy());
        return switch (trigger.reentry()) {
            case ALWAYS -> true;
            case ONCE_ACTIVE -> {
                ProcessInstanceQuery running = runtimeService.createProcessInstanceQuery()
                        .processDefinitionKey(trigger.journeyKey()).processInstanceBusinessKey(event.customerId());
                yield (key == null ? running : running.variableValueEquals(trigger.correlateBy(), key)).count() == 0;
            }
            case ONCE -> {
                HistoricProcessInstanceQuery ever = historyService.createHistoricProcessInstanceQuery()
                        .processDefinitionKey(trigger.journeyKey()).processInstanceBusinessKey(event.customerId());
                yield (key == null ? ever : ever.variableValueEquals(trigger.correlateBy(), key)).count() == 0;
            }
        };
    }

    /**
     * Whether the waiting instance is the one this event is about. A journey with {@code correlateBy} (say
     * {@code cartId}) takes only events that carry the same value as the event that started it; an event without
     * the property is about the customer as a whole and reaches every instance.
     */
    private boolean isFor(Execution execution, StoredEvent event) {
        String definitionId = runtimeService.createProcessInstanceQuery()
                .processInstanceId(execution.getProcessInstanceId()).singleResult().getProcessDefinitionId();
        String property = models.correlationPropertyOf(definitionId);
        if (property == null || !event.properties().containsKey(property)) {
            return true;
        }
        Object expected = runtimeService.getVariable(execution.getProcessInstanceId(), property);
        return expected != null && expected.toString().equals(String.valueOf(event.properties().get(property)));
    }

    private boolean aJourneyMayStillWaitFor(StoredEvent event) {
        for (ProcessInstance instance : runtimeService.createProcessInstanceQuery()
                .processInstanceBusinessKey(event.customerId()).active().list()) {
            List<String> activities = runtimeService.getActiveActivityIds(instance.getId());
            if (models.mayStillCatch(instance.getProcessDefinitionId(), activities, event.type())) {
                return true;
            }
        }
        return false;
    }

    /** The event's properties as process variables (simple names, simple values), with who and which event. */
    static Map<String, Object> variables(StoredEvent event) {
        Map<String, Object> variables = new HashMap<>();
        event.properties().forEach((name, value) -> {
            if (VARIABLE_NAME.matcher(name).matches() && isSimple(value)) {
                variables.put(name, value);
            }
        });
        variables.put("customerId", event.customerId());
        variables.put("lastEventType", event.type());
        variables.put(LAST_EVENT_MESSAGE_ID, event.messageId());
        return variables;
    }

    private static boolean isSimple(Object value) {
        return value instanceof Number || value instanceof Boolean
                || value instanceof String text && text.length() <= MAX_STRING_VARIABLE;
    }

    /** What routing did, or that the event must wait for a journey to reach its catch. */
    record Result(boolean waitForCatch, List<String> startedJourneys, List<String> reentryDeclined,
            int deliveredToWaitingSteps, boolean missedCatch) {

        private static final String NOT_REACHED =
                "A running journey of this customer has not reached the step that waits for this event";

        /** Routed: no journey started or waiting, no effect. */
        static final Result NOTHING_ACTS_ON_IT = new Result(false, List.of(), List.of(), 0, false);

        static Result notWaitingYet() {
            return new Result(true, List.of(), List.of(), 0, false);
        }

        static Result routed(List<String> started, List<String> declined, int delivered, boolean missedCatch) {
            return new Result(false, List.copyOf(started), List.copyOf(declined), delivered, missedCatch);
        }

        String describe() {
            if (waitForCatch) {
                return NOT_REACHED + " yet";
            }
            if (missedCatch) {
                return NOT_REACHED + (startedJourneys.isEmpty() ? "" : "; started " + String.join(", ", startedJourneys));
            }
            if (startedJourneys.isEmpty() && reentryDeclined.isEmpty() && deliveredToWaitingSteps == 0) {
                return "No journey starts on or waits for this event";
            }
            return "Started " + (startedJourneys.isEmpty() ? "no journey" : String.join(", ", startedJourneys))
                    + (reentryDeclined.isEmpty() ? "" : "; not re-entered (re-entry policy): "
                            + String.join(", ", reentryDeclined))
                    + "; delivered to " + deliveredToWaitingSteps + " waiting step(s)";
        }
    }
}
