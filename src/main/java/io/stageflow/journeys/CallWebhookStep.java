package io.stageflow.journeys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelAdapter;
import io.stageflow.delivery.ChannelDelivered;
import io.stageflow.delivery.ChannelRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.subscriptions.EmailCategory;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.bpmn.behavior.AbstractBpmnActivityBehavior;
import org.camunda.bpm.engine.impl.pvm.delegate.ActivityExecution;
import org.camunda.bpm.engine.runtime.Execution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The "Call webhook" step ({@code ${callWebhook}}): queues a call of a configured endpoint in the outbox, within the
 * step's own transaction and under the same idempotency key scheme as a send step, so a retried job never queues a
 * second call. The outbox's webhook adapter renders the step's JSON {@code body} for the customer when it delivers,
 * signs it (Standard Webhooks) and retries it. The diagram names the endpoint ({@code endpoint}), never a URL.
 *
 * <p>With {@code responseField} (a JSON pointer) and {@code resultVariable}, the step waits until the call is
 * delivered and sets the variable to that field of the answer, so the journey can branch on it (a ticket id, a points
 * balance); without them it moves on at once. A call that fails for good becomes an incident on the instance, as an
 * email does.
 */
@Component("callWebhook")
class CallWebhookStep extends AbstractBpmnActivityBehavior implements JourneyStep {

    private static final Logger log = LoggerFactory.getLogger(CallWebhookStep.class);

    /** The local variable that names the call a waiting step waits for (the outbox row's idempotency key). */
    static final String WAITING_FOR = "webhookCall";

    static final StepInput<String> ASYNC_BEFORE = SendEmailStep.ASYNC_BEFORE;
    static final StepInput<String> ENDPOINT = StepInput.text("endpoint").notEmpty().pattern("^[a-z0-9][a-z0-9-]{0,59}$");
    /** The JSON body, a Velocity template; without {@code ${…}} or {@code #{…}}, which the engine would evaluate. */
    static final StepInput<String> BODY = StepInput.multiline("body").notEmpty()
            .pattern("^(?![\\s\\S]*[$#]\\{)[\\s\\S]*$");
    static final StepInput<String> RESPONSE_FIELD = StepInput.text("responseField").pattern("^((/[A-Za-z0-9_.~-]+)+)?$");
    static final StepInput<String> RESULT_VARIABLE = StepInput.text("resultVariable")
            .pattern("^([A-Za-z_][A-Za-z0-9_]{0,59})?$");

    private final Outbox outbox;
    private final ObjectProvider<ChannelAdapter> adapters;
    private final RuntimeService runtime;

    CallWebhookStep(Outbox outbox, ObjectProvider<ChannelAdapter> adapters, @Lazy RuntimeService runtime) {
        this.outbox = outbox;
        this.adapters = adapters;
        this.runtime = runtime;
    }

    @Override
    public String templateId() {
        return "io.stageflow.callWebhook";
    }

    @Override
    public String appliesTo() {
        return "bpmn:ServiceTask";
    }

    @Override
    public String beanName() {
        return "callWebhook";
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(ASYNC_BEFORE, ENDPOINT, BODY, RESPONSE_FIELD, RESULT_VARIABLE);
    }

    @Override
    public String problemWith(String stepId, UnaryOperator<String> inputs) {
        ChannelAdapter webhooks = webhooks();
        if (webhooks == null) {
            return "Webhook step '" + stepId + "' cannot run: no webhook endpoints are configured"
                    + " (stageflow.webhooks.endpoints)";
        }
        String body = inputs.apply(BODY.name());
        if (body != null && (body.contains("${") || body.contains("#{"))) {
            return "Webhook step '" + stepId + "' has ${…} in its 'body'; write $customer.email rather than"
                    + " ${customer.email}: the engine would read ${…} as an expression of its own";
        }
        String problem = webhooks.problemWith(settings(inputs));
        return problem == null ? null : "Webhook step '" + stepId + "' " + problem;
    }

    private ChannelAdapter webhooks() {
        return adapters.orderedStream().filter(adapter -> adapter.channel() == Channel.WEBHOOK).findFirst()
                .orElse(null);
    }

    private static Map<String, String> settings(UnaryOperator<String> inputs) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (StepInput<?> input : List.of(ENDPOINT, RESPONSE_FIELD, RESULT_VARIABLE)) {
            String value = inputs.apply(input.name());
            if (value != null && !value.isBlank()) {
                settings.put(input.name(), value.strip());
            }
        }
        String body = inputs.apply(BODY.name());
        if (body != null) {
            settings.put(BODY.name(), body); // as written: its whitespace is the JSON's
        }
        return settings;
    }

    @Override
    public void execute(ActivityExecution execution) {
        String step = execution.getCurrentActivityId();
        String customerId = execution.getProcessBusinessKey();
        if (customerId == null) {
            throw new IllegalStateException("Step " + step + " cannot call a webhook: the journey has no business key"
                    + " (customer id)");
        }
        Map<String, String> settings = settings(name -> {
            Object value = execution.getVariableLocal(name);
            return value == null ? null : value.toString();
        });
        String problem = webhooks() == null ? "no webhook endpoints are configured" : null;
        if (problem != null || settings.get(ENDPOINT.name()) == null) {
            throw new IllegalStateException("Step " + step + " cannot call a webhook: "
                    + (problem != null ? problem : "it names no endpoint"));
        }
        String key = StepRun.key(execution);
        Object event = execution.getVariable(EventRouting.LAST_EVENT_MESSAGE_ID);
        outbox.enqueue(new ChannelRequest(key, customerId, Channel.WEBHOOK, settings.get(ENDPOINT.name()),
                EmailCategory.TRANSACTIONAL, StepRun.journeyKey(execution), execution.getProcessInstanceId(), step,
                settings, event instanceof String messageId ? messageId : null,
                TemplateVariables.capture(execution, TemplateVariables.declaredFor(execution))));
        if (settings.containsKey(RESULT_VARIABLE.name())) {
            execution.setVariableLocal(WAITING_FOR, key); // until the call is delivered: delivered(...) below
        } else {
            leave(execution);
        }
    }

    @Override
    public void signal(ActivityExecution execution, String signalName, Object signalData) {
        leave(execution);
    }

    /**
     * A call was delivered: a step waiting for it takes the kept answer field as its variable and goes on. A step that
     * does not wait, or an instance that ended meanwhile, has nothing to do.
     */
    @EventListener
    void delivered(ChannelDelivered delivered) {
        if (delivered.channel() != Channel.WEBHOOK || delivered.journeyInstanceId() == null) {
            return;
        }
        Execution waiting = runtime.createExecutionQuery().processInstanceId(delivered.journeyInstanceId())
                .activityId(delivered.stepId()).variableValueEquals(WAITING_FOR, delivered.idempotencyKey())
                .singleResult();
        if (waiting == null) {
            return;
        }
        try {
            runtime.signal(waiting.getId(), new LinkedHashMap<>(delivered.variables()));
        } catch (RuntimeException e) {
            log.warn("Webhook call {} was delivered, and its step {} of journey instance {} could not go on: {}",
                    delivered.outboxId(), delivered.stepId(), delivered.journeyInstanceId(), e.toString());
        }
    }
}
