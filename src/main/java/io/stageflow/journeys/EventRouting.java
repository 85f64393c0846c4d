package io.stageflow.journeys;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.stageflow.customers.LifecycleStages;
import io.stageflow.events.StoredEvent;
import io.stageflow.offers.CouponCheck;
import io.stageflow.offers.Coupons;
import io.stageflow.referrals.Referrals;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstanceQuery;
import org.camunda.bpm.engine.runtime.Execution;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstanceQuery;
import org.springframework.stereotype.Component;

/**
 * Hands one event to the engine, inside the caller's transaction: starts every journey whose start event
 * listens for the event type, and delivers it to every step of this customer's journeys that waits for it.
 * An order first updates the customer's order counts and lifecycle stage (the built-in rules).
 * <p>
 * "Not waiting yet": when no step waits for the event now, but a running journey of the same customer is at a
 * step from which it can still reach one (typically its asynchronous send step just before the wait), the
 * event is not consumed. The router keeps it and tries again, up to {@code stageflow.journeys.router.await-catch-for}.
 */
@Component
class EventRouting {

    /** Event properties that become process variables: simple names, simple values. */
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final int MAX_STRING_VARIABLE = 4000;

    private static final String ORDER_COMPLETED = "order_completed";
    private static final String SIGNED_UP = "signed_up";
    private static final String ORDER_REFUNDED = "order_refunded";
    /** Event types with effects of their own (stages, coupons, referrals), whether or not a journey listens. */
    private static final Set<String> BUILT_IN_RULES = Set.of(ORDER_COMPLETED, SIGNED_UP, ORDER_REFUNDED);

    private final RuntimeService runtimeService;
    private final HistoryService historyService;
    private final JourneyModels models;
    private final LifecycleStages stages;
    private final Coupons coupons;
    private final Referrals referrals;

    EventRouting(RuntimeService runtimeService, HistoryService historyService, JourneyModels models,
            LifecycleStages stages, Coupons coupons, Referrals referrals) {
        this.runtimeService = runtimeService;
        this.historyService = historyService;
        this.models = models;
        this.stages = stages;
        this.coupons = coupons;
        this.referrals = referrals;
    }

    /**
     * @param mayDefer whether the event may still be held back for a journey that has not reached its wait; once
     *                 that grace period is over it is routed anyway (starts, stage rules, current waits), and the
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
        if (ORDER_COMPLETED.equals(event.type())) {
            // Before journeys start or continue, so that they see the stage this order leads to, and its number.
            int orderCount = stages.orderCompleted(event.customerId(), orderAmount(event), event.occurredAt(),
                    event.messageId());
            variables.putIfAbsent("orderCount", orderCount);
            if (event.properties().get("couponCode") instanceof String code && !code.isBlank()) {
                // In the same transaction: the code is used exactly when the order is routed.
                CouponCheck redeemed = coupons.redeem(code, event.customerId(), orderId(event), orderAmount(event));
                variables.put("couponRedemption", redeemed.apiName());
            }
            if (orderCount == 1) {
                // A referred friend's first order: records referral_converted for the referrer (referral-reward).
                referrals.firstOrder(event.customerId(), orderId(event));
            }
        } else if (SIGNED_UP.equals(event.type())
                && event.properties().get("referralCode") instanceof String code && !code.isBlank()) {
            String rejected = referrals.signedUp(event.customerId(), code.strip(), event.messageId());
            variables.put("referred", rejected == null);
        } else if (ORDER_REFUNDED.equals(event.type())) {
            referrals.orderRefunded(event.customerId(), orderId(event));
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
     * False for event types that no journey version can start on or wait for and no built-in rule uses (page
     * views and other tracking events): routing them changes nothing in the engine.
     */
    static boolean actsOn(String eventType, JourneyModels.Listening journeys) {
        return journeys.mayListenFor(eventType) || BUILT_IN_RULES.contains(eventType);
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

    private static Map<String, Object> variables(StoredEvent event) {
        Map<String, Object> variables = new HashMap<>();
        event.properties().forEach((name, value) -> {
            if (VARIABLE_NAME.matcher(name).matches() && isSimple(value)) {
                variables.put(name, value);
            }
        });
        variables.put("customerId", event.customerId());
        variables.put("lastEventType", event.type());
        variables.put("lastEventMessageId", event.messageId());
        return variables;
    }

    private static String orderId(StoredEvent event) {
        Object orderId = event.properties().get("orderId");
        return orderId == null ? event.messageId() : orderId.toString();
    }

    /**
     * An order's value: {@code total}, or Segment's {@code revenue}, rounded half up to cents (intake has checked
     * that it fits, docs/events.md); none counts as zero.
     */
    private static BigDecimal orderAmount(StoredEvent event) {
        for (String property : List.of("total", "revenue")) {
            Object value = event.properties().get(property);
            if (value instanceof Number number) {
                return new BigDecimal(number.toString()).setScale(2, RoundingMode.HALF_UP);
            }
            if (value instanceof String text && text.strip().matches("-?\\d{1,15}(\\.\\d{1,30})?")) {
                return new BigDecimal(text.strip()).setScale(2, RoundingMode.HALF_UP);
            }
        }
        return BigDecimal.ZERO;
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

        /** Routed: no journey started or waiting, no built-in rule. */
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
