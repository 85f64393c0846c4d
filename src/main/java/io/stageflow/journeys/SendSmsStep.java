package io.stageflow.journeys;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.stageflow.delivery.Channel;
import io.stageflow.delivery.ChannelRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.templates.TemplateRenderer;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The "Send SMS" step ({@code ${sendSms}}): queues a text message to the journey's customer in the outbox, within the
 * step's own transaction, for the SMS channel to deliver. Its inputs are {@code text}, a short Velocity template
 * rendered for the customer when the SMS goes (as an email's templates are: {@code $customer}, {@code $event},
 * {@code $journey}), and {@code category}, marketing (needs the number's SMS consent) or transactional. The
 * idempotency key is that of the send email step (process instance, step, loop counter), so a step that runs again
 * queues nothing new. A marketing SMS always keeps quiet hours (the step has no setting to ignore them). At deploy
 * the text must render for the validation customers.
 * The engine evaluates {@code ${…}} in an input parameter before the step sees it, so a text writes its references
 * without braces ({@code $!customer.firstName}, {@code #if(…)…#else…#end}), and one with braces is refused.
 */
@Component("sendSms")
class SendSmsStep implements JourneyStep, JavaDelegate {

    /** The text; Modeler refuses one with a dollar or hash sign before an opening brace, which the engine evaluates. */
    static final StepInput<String> TEXT = StepInput.text("text").notEmpty().pattern("^(?![\\s\\S]*[$#]\\{)[\\s\\S]*$");
    static final StepInput<EmailCategory> CATEGORY = SendEmailStep.CATEGORY;

    private final Outbox outbox;
    private final TemplateRenderer templates;

    SendSmsStep(Outbox outbox, TemplateRenderer templates) {
        this.outbox = outbox;
        this.templates = templates;
    }

    @Override
    public String templateId() {
        return "io.stageflow.sendSms";
    }

    @Override
    public String appliesTo() {
        return "bpmn:ServiceTask";
    }

    @Override
    public String beanName() {
        return "sendSms";
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(SendEmailStep.ASYNC_BEFORE, TEXT, CATEGORY);
    }

    @Override
    public String problemWith(String stepId, UnaryOperator<String> inputs) {
        String text = TEXT.parse(inputs.apply(TEXT.name()));
        if (text == null) {
            return "SMS step '" + stepId + "' has no text: set its 'text' input parameter (Text in Modeler)";
        }
        String category = inputs.apply(CATEGORY.name());
        String problem = StepInput.isExpression(category) ? null : CATEGORY.problemWith(category);
        if (problem != null) {
            return "SMS step '" + stepId + "' " + problem;
        }
        if (StepInput.isExpression(text)) {
            return "SMS step '" + stepId + "' has a text ('text') with ${…} or #{…}, which the engine would evaluate"
                    + " before the SMS is rendered; write Velocity references without braces, such as"
                    + " $customer.firstName";
        }
        problem = templates.snippetProblem(TEXT.name(), text);
        if (problem == null) {
            return null;
        }
        return "SMS step '" + stepId + "' has a text ('text') that cannot be sent: " + problem
                + (problem.contains("${") ? " (in an SMS text, without braces: $!customer.firstName, or"
                        + " #if($customer.firstName)$customer.firstName#else there#end)" : "");
    }

    @Override
    public void execute(DelegateExecution execution) {
        String step = execution.getCurrentActivityId();
        String customerId = execution.getProcessBusinessKey();
        if (customerId == null) {
            throw new IllegalStateException("Step " + step + " cannot send: the journey has no business key (customer id)");
        }
        String text = TEXT.read(execution);
        if (text == null) {
            throw new IllegalStateException("Step " + step + " has no 'text' input parameter holding the SMS text");
        }
        Object lastEvent = execution.getVariable(EventRouting.LAST_EVENT_MESSAGE_ID);
        outbox.enqueue(new ChannelRequest(StepRun.key(execution), customerId, Channel.SMS, step,
                CATEGORY.read(execution), StepRun.journeyKey(execution), execution.getProcessInstanceId(), step,
                Map.of(TEXT.name(), text), lastEvent instanceof String messageId ? messageId : null,
                TemplateVariables.capture(execution, TemplateVariables.declaredFor(execution))));
    }
}
