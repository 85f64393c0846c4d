package io.stageflow.journeys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelAdapter;
import io.stageflow.delivery.ChannelRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.subscriptions.EmailCategory;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The "Send WhatsApp" step ({@code ${sendWhatsApp}}): queues a WhatsApp template message to the journey's customer in
 * the outbox, within the step's own transaction, for the WhatsApp channel to deliver. A business may only start a
 * WhatsApp conversation with a template Meta approved, so the step names one ({@code template}, {@code language}) and
 * gives its body parameters ({@code parameters}, one short Velocity snippet a line, rendered for the customer when the
 * message goes); {@code category} is marketing (needs the number's WhatsApp opt-in, keeps quiet hours) or
 * transactional. The idempotency key is that of the send email step, so a step that runs again queues nothing new. At
 * deploy the WhatsApp channel checks the template is an approved one in that language with that many parameters, and
 * that each parameter renders. The engine evaluates {@code ${…}} in an input parameter before the step sees it, so a
 * parameter with braces is refused.
 */
@Component("sendWhatsApp")
class SendWhatsAppStep implements JourneyStep, JavaDelegate {

    /** The approved template's name, as Meta writes it: lower-case letters, digits and underscores. */
    static final StepInput<String> TEMPLATE = StepInput.text("template").notEmpty().pattern("^[a-z0-9_]{1,512}$");
    /** The template's language code, such as en_US or de. */
    static final StepInput<String> LANGUAGE = StepInput.text("language").notEmpty()
            .pattern("^[a-z]{2,3}(_[A-Za-z0-9]{2,4})?$");
    /** The body parameters, one a line; Modeler refuses a dollar or hash sign before an opening brace. */
    static final StepInput<String> PARAMETERS = StepInput.multiline("parameters")
            .pattern("^(?![\\s\\S]*[$#]\\{)[\\s\\S]*$");
    static final StepInput<EmailCategory> CATEGORY = SendEmailStep.CATEGORY;

    private final Outbox outbox;
    private final ObjectProvider<ChannelAdapter> adapters;

    SendWhatsAppStep(Outbox outbox, ObjectProvider<ChannelAdapter> adapters) {
        this.outbox = outbox;
        this.adapters = adapters;
    }

    @Override
    public String templateId() {
        return "io.stageflow.sendWhatsApp";
    }

    @Override
    public String appliesTo() {
        return "bpmn:ServiceTask";
    }

    @Override
    public String beanName() {
        return "sendWhatsApp";
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(SendEmailStep.ASYNC_BEFORE, TEMPLATE, LANGUAGE, PARAMETERS, CATEGORY);
    }

    @Override
    public String problemWith(String stepId, UnaryOperator<String> inputs) {
        String category = inputs.apply(CATEGORY.name());
        String problem = StepInput.isExpression(category) ? null : CATEGORY.problemWith(category);
        if (problem != null) {
            return "WhatsApp step '" + stepId + "' " + problem;
        }
        for (StepInput<String> input : List.of(TEMPLATE, LANGUAGE, PARAMETERS)) {
            if (StepInput.isExpression(inputs.apply(input.name()))) {
                return "WhatsApp step '" + stepId + "' has ${…} or #{…} in its '" + input.name() + "', which the"
                        + " engine would evaluate before the message is rendered; write Velocity references without"
                        + " braces, such as $customer.firstName";
            }
        }
        ChannelAdapter whatsApp = whatsApp();
        if (whatsApp == null) {
            return "WhatsApp step '" + stepId + "' cannot run: WhatsApp is off (stageflow.whatsapp.enabled)";
        }
        problem = whatsApp.problemWith(settings(inputs));
        return problem == null ? null : "WhatsApp step '" + stepId + "' " + problem;
    }

    private ChannelAdapter whatsApp() {
        return adapters.orderedStream().filter(adapter -> adapter.channel() == Channel.WHATSAPP).findFirst()
                .orElse(null);
    }

    private static Map<String, String> settings(UnaryOperator<String> inputs) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (StepInput<String> input : List.of(TEMPLATE, LANGUAGE, PARAMETERS)) {
            String value = input.parse(inputs.apply(input.name()));
            if (value != null) {
                settings.put(input.name(), value);
            }
        }
        return settings;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String step = execution.getCurrentActivityId();
        String customerId = execution.getProcessBusinessKey();
        if (customerId == null) {
            throw new IllegalStateException("Step " + step + " cannot send: the journey has no business key"
                    + " (customer id)");
        }
        Map<String, String> settings = settings(name -> {
            Object value = execution.getVariableLocal(name);
            return value == null ? null : value.toString();
        });
        String template = settings.get(TEMPLATE.name());
        if (template == null) {
            throw new IllegalStateException("Step " + step + " has no 'template' input parameter naming the WhatsApp"
                    + " template");
        }
        Object lastEvent = execution.getVariable(EventRouting.LAST_EVENT_MESSAGE_ID);
        outbox.enqueue(new ChannelRequest(StepRun.key(execution), customerId, Channel.WHATSAPP, template,
                CATEGORY.read(execution), StepRun.journeyKey(execution), execution.getProcessInstanceId(), step,
                settings, lastEvent instanceof String messageId ? messageId : null,
                TemplateVariables.capture(execution, TemplateVariables.declaredFor(execution))));
    }
}
