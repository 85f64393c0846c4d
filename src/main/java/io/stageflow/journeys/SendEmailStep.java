package io.stageflow.journeys;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.delivery.EmailRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.delivery.SendPriority;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.offers.Coupons;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The "Send email" step ({@code ${sendEmail}}): queues the email in the outbox within the step's own
 * transaction. The idempotency key is process instance, step and loop counter, so a retried job or a step
 * that runs again never queues a second email. Its settings are the step's input parameters ({@code template},
 * {@code category}, {@code quietHours}, {@code priority}), read as local variables so that a process variable of the same name
 * can never stand in for them. The email carries the latest event the journey received ({@code $event}) and the
 * variables the journey exposes to templates ({@link TemplateVariables}), as they are now. Coupons reserved by an earlier "Issue coupon" step of the instance that no email
 * carries yet go with this email. At deploy the template must exist and render, and the category and quiet hours
 * must be ones the step knows; a template or category given as an expression is checked when the step runs.
 */
@Component("sendEmail")
class SendEmailStep implements JourneyStep, JavaDelegate {

    static final StepInput<String> ASYNC_BEFORE = StepInput.attribute("camunda:asyncBefore", "Hidden").defaultValue("true");
    static final StepInput<String> TEMPLATE = StepInput.text("template").notEmpty()
            .pattern("^([a-z0-9][a-z0-9-]*|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\})$"); // a key, or ${variable} holding one
    static final StepInput<EmailCategory> CATEGORY = StepInput.dropdown("category", "marketing",
            Map.entry("marketing", EmailCategory.MARKETING), Map.entry("transactional", EmailCategory.TRANSACTIONAL));
    /** Whether the email waits out quiet hours: {@code respect} (the default), or {@code ignore} for a reply to the customer's own action. */
    static final StepInput<Boolean> QUIET_HOURS = StepInput.dropdown("quietHours", "respect",
            Map.entry("respect", Boolean.TRUE), Map.entry("ignore", Boolean.FALSE));
    /**
     * Where a marketing email of this step stands among journeys' email, in the dispatcher's queue and under the
     * frequency cap: {@code high}, {@code normal} (the default) or {@code low}. Transactional email always goes first
     * and broadcasts last, whatever a step says. New in version 2 of the element template; a step without it is normal.
     */
    static final StepInput<SendPriority> PRIORITY = StepInput.dropdown("priority", "normal",
            Map.entry("high", SendPriority.TRIGGERED_HIGH), Map.entry("normal", SendPriority.TRIGGERED),
            Map.entry("low", SendPriority.TRIGGERED_LOW));

    private final Outbox outbox;
    private final Coupons coupons;
    private final TemplateRenderer templates;

    SendEmailStep(Outbox outbox, Coupons coupons, TemplateRenderer templates) {
        this.outbox = outbox;
        this.coupons = coupons;
        this.templates = templates;
    }

    @Override
    public String templateId() {
        return "io.stageflow.sendEmail";
    }

    @Override
    public int templateVersion() {
        return 2;
    }

    @Override
    public String appliesTo() {
        return "bpmn:ServiceTask";
    }

    @Override
    public String beanName() {
        return "sendEmail";
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(ASYNC_BEFORE, TEMPLATE, CATEGORY, QUIET_HOURS, PRIORITY);
    }

    @Override
    public String problemWith(String stepId, UnaryOperator<String> inputs) {
        String template = inputs.apply(TEMPLATE.name());
        if (template == null || template.isBlank()) {
            return "Send step '" + stepId + "' names no template: set its 'template' input parameter (Template key in Modeler)";
        }
        String problem = QUIET_HOURS.problemWith(inputs.apply(QUIET_HOURS.name()));
        if (problem == null) {
            problem = PRIORITY.problemWith(inputs.apply(PRIORITY.name()));
        }
        if (problem == null) {
            String category = inputs.apply(CATEGORY.name());
            problem = StepInput.isExpression(category) ? null : CATEGORY.problemWith(category);
        }
        if (problem != null) {
            return "Send step '" + stepId + "' " + problem;
        }
        if (StepInput.isExpression(template)) {
            return null; // chosen at run time: checked when the step runs
        }
        problem = templates.problemWith(template.strip());
        return problem == null ? null
                : "Send step '" + stepId + "' uses template '" + template.strip() + "', which cannot be sent: " + problem;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String step = execution.getCurrentActivityId();
        String customerId = execution.getProcessBusinessKey();
        if (customerId == null) {
            throw new IllegalStateException("Step " + step + " cannot send: the journey has no business key (customer id)");
        }
        String key = StepRun.key(execution);
        EmailCategory category = CATEGORY.read(execution);
        SendPriority priority = category == EmailCategory.TRANSACTIONAL ? SendPriority.TRANSACTIONAL
                : PRIORITY.read(execution);
        outbox.enqueue(new EmailRequest(key, customerId, template(execution), category,
                StepRun.journeyKey(execution), execution.getProcessInstanceId(), step, QUIET_HOURS.read(execution),
                priority, triggeringEvent(execution), TemplateVariables.capture(execution,
                        TemplateVariables.declaredFor(execution))));
        // A coupon an "Issue coupon" step reserved before this send rides with it ($offer), and is issued or
        // released with the email's outcome.
        coupons.attachToEmail(execution.getProcessInstanceId(), key, step);
    }

    /** The messageId of the latest event the journey received ({@code $event}); null when it started otherwise. */
    private static String triggeringEvent(DelegateExecution execution) {
        return execution.getVariable(EventRouting.LAST_EVENT_MESSAGE_ID) instanceof String messageId ? messageId : null;
    }

    private static String template(DelegateExecution execution) {
        Object template = execution.getVariableLocal(TEMPLATE.name());
        if (!(template instanceof String key) || key.isBlank()) {
            throw new IllegalStateException("Step " + execution.getCurrentActivityId()
                    + " has no 'template' input parameter naming the template folder to send");
        }
        return key.strip();
    }
}
