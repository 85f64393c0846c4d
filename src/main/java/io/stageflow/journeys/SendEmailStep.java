package io.stageflow.journeys;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.delivery.EmailRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.delivery.SendPriority;
import io.stageflow.experiments.ExperimentAssignments;
import io.stageflow.experiments.ExperimentAssignments.Assignment;
import io.stageflow.experiments.ExperimentAssignments.Split;
import io.stageflow.experiments.ExperimentAssignments.Variant;
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
 *
 * <p>Template variants (version 3 of the element template): with an {@code experiment} key and
 * {@code templateVariants} (1 to {@value #MAX_TEMPLATE_VARIANTS} further template keys, comma separated), the step is
 * an A/B test without a gateway. It enters the customer into the experiment ({@link ExperimentAssignments#enter})
 * with a {@link Split} whose variants are named after the template keys, the main {@code template} first, with equal
 * weights ({@link #equalWeights}) and no holdout, and queues the assigned variant's template instead of the main one:
 * deterministic, sticky, recorded, and the winner's template for new entrants once the experiment is decided. The
 * chosen template is also set on the instance as {@code experiment_<key>} (as a split sets it). Both inputs or
 * neither; the main template and each variant a fixed key of an existing template, no duplicates.
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
    /**
     * The experiment whose variants are this step's templates (version 3): the same rules as a split's key. Optional;
     * set together with {@link #TEMPLATE_VARIANTS}.
     */
    static final StepInput<String> EXPERIMENT = StepInput.text("experiment").pattern("^([a-z0-9][a-z0-9-]{0,59})?$");
    /** At most this many variant templates besides the main one: four templates in all. */
    static final int MAX_TEMPLATE_VARIANTS = 3;
    /** The further templates of the experiment, comma separated, after the main template (version 3). Optional. */
    static final StepInput<String> TEMPLATE_VARIANTS = StepInput.text("templateVariants")
            .pattern("^([a-z0-9][a-z0-9-]*(\\s*,\\s*[a-z0-9][a-z0-9-]*){0,2})?$");
    private static final String TEMPLATE_KEY = "[a-z0-9][a-z0-9-]*";

    private final Outbox outbox;
    private final Coupons coupons;
    private final TemplateRenderer templates;
    private final ExperimentAssignments assignments;

    SendEmailStep(Outbox outbox, Coupons coupons, TemplateRenderer templates, ExperimentAssignments assignments) {
        this.outbox = outbox;
        this.coupons = coupons;
        this.templates = templates;
        this.assignments = assignments;
    }

    @Override
    public String templateId() {
        return "io.stageflow.sendEmail";
    }

    @Override
    public int templateVersion() {
        return 3;
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
        return List.of(ASYNC_BEFORE, TEMPLATE, CATEGORY, QUIET_HOURS, PRIORITY, EXPERIMENT, TEMPLATE_VARIANTS);
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
        if (problem == null) {
            problem = variantsProblem(template, inputs.apply(EXPERIMENT.name()), inputs.apply(TEMPLATE_VARIANTS.name()));
        }
        if (problem != null) {
            return "Send step '" + stepId + "' " + problem;
        }
        if (StepInput.isExpression(template)) {
            return null; // chosen at run time: checked when the step runs
        }
        List<String> all = new ArrayList<>(List.of(template.strip()));
        all.addAll(variantTemplates(inputs.apply(TEMPLATE_VARIANTS.name())));
        for (String key : all) {
            problem = templates.problemWith(key);
            if (problem != null) {
                return "Send step '" + stepId + "' uses template '" + key + "'" + (key.equals(all.get(0)) ? ""
                        : " (Variant templates)") + ", which cannot be sent: " + problem;
            }
        }
        return null;
    }

    /**
     * Why the experiment inputs cannot be used, as the rest of a sentence that starts with the step ("has experiment
     * key 'X'; use ..."), or null when they can or are both unset. Does not check that the templates exist.
     */
    static String variantsProblem(String template, String rawExperiment, String rawVariants) {
        String experiment = EXPERIMENT.parse(rawExperiment);
        String variants = TEMPLATE_VARIANTS.parse(rawVariants);
        if (experiment == null && variants == null) {
            return null;
        }
        if (experiment == null) {
            return "has Variant templates ('templateVariants') but no Experiment key ('experiment'); set both, or"
                    + " neither for a step without variants";
        }
        if (variants == null) {
            return "has an Experiment key ('experiment') but no Variant templates ('templateVariants'); set both, or"
                    + " neither for a step without variants";
        }
        if (!ExperimentAssignments.KEY.matcher(experiment).matches()) {
            return "has experiment key '" + experiment + "'; use up to 60 lower-case letters, digits and hyphens,"
                    + " such as welcome-subject (Experiment key)";
        }
        if (StepInput.isExpression(template)) {
            return "picks its template at run time ('" + template.strip() + "') and has Variant templates; an"
                    + " experiment needs a fixed template key in Template key";
        }
        List<String> keys = List.of(variants.split(",", -1)).stream().map(String::strip).toList();
        if (keys.size() > MAX_TEMPLATE_VARIANTS) {
            return "has " + keys.size() + " Variant templates ('templateVariants'); use 1 to " + MAX_TEMPLATE_VARIANTS
                    + ", separated by commas (with Template key, at most " + (MAX_TEMPLATE_VARIANTS + 1) + " in all)";
        }
        Set<String> seen = new HashSet<>(List.of(template.strip()));
        for (String key : keys) {
            if (!key.matches(TEMPLATE_KEY)) {
                return "has Variant templates '" + variants + "'; use template keys (lower-case letters, digits and"
                        + " hyphens) separated by commas, such as welcome-short,welcome-emoji";
            }
            if (key.equals(template.strip())) {
                return "names its template '" + key + "' in Variant templates as well; list only the other templates"
                        + " there (Template key is the first variant)";
            }
            if (!seen.add(key)) {
                return "names template '" + key + "' twice in Variant templates; list each template once";
            }
        }
        return null;
    }

    /** The variant templates as written (comma separated), stripped; empty when unset. */
    static List<String> variantTemplates(String rawVariants) {
        String variants = TEMPLATE_VARIANTS.parse(rawVariants);
        return variants == null ? List.of() : List.of(variants.split(",", -1)).stream().map(String::strip).toList();
    }

    /**
     * Equal weights for this many variants that sum to 100: {@code 100 / count} each, and the remainder, one each, to
     * the first variants (the main template first): 50/50, 34/33/33, 25/25/25/25.
     */
    static List<Integer> equalWeights(int count) {
        List<Integer> weights = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            weights.add(100 / count + (i < 100 % count ? 1 : 0));
        }
        return weights;
    }

    /** The split of a send step's templates: one variant per template, named after it, equal weights, no holdout. */
    static Split splitOf(String experiment, List<String> templates) {
        List<Integer> weights = equalWeights(templates.size());
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < templates.size(); i++) {
            variants.add(new Variant(templates.get(i), weights.get(i)));
        }
        return new Split(experiment, variants, null, 0);
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
        outbox.enqueue(new EmailRequest(key, customerId, chosenTemplate(execution, customerId), category,
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

    /**
     * The template to send: the main one, or, with an experiment, the template of the variant the customer is
     * entered on (recorded, and set on the instance as {@code experiment_<key>}).
     */
    private String chosenTemplate(DelegateExecution execution, String customerId) {
        String template = template(execution);
        Object experiment = execution.getVariableLocal(EXPERIMENT.name());
        Object variants = execution.getVariableLocal(TEMPLATE_VARIANTS.name());
        String raw = experiment == null ? null : experiment.toString();
        String rawVariants = variants == null ? null : variants.toString();
        String problem = variantsProblem(template, raw, rawVariants);
        if (problem != null) {
            throw new IllegalStateException("Step " + execution.getCurrentActivityId() + " " + problem);
        }
        if (EXPERIMENT.parse(raw) == null) {
            return template;
        }
        List<String> all = new ArrayList<>(List.of(template));
        all.addAll(variantTemplates(rawVariants));
        Assignment assignment = assignments.enter(splitOf(EXPERIMENT.parse(raw), all), StepRun.journeyKey(execution),
                execution.getProcessInstanceId(), customerId);
        execution.getProcessInstance().setVariable(SplitStep.perExperimentVariable(assignment.experimentKey()),
                assignment.variant());
        return assignment.variant();
    }

    /**
     * The template a simulation sends for this step: with template variants, the one the customer's bucket gives, as a
     * split's simulation does (nothing recorded, no decision taken into account); otherwise {@code template}.
     */
    static String simulatedTemplate(DelegateExecution execution, String template, String customerId) {
        Object experiment = execution.getVariableLocal(EXPERIMENT.name());
        Object variants = execution.getVariableLocal(TEMPLATE_VARIANTS.name());
        String key = EXPERIMENT.parse(experiment == null ? null : experiment.toString());
        List<String> others = variantTemplates(variants == null ? null : variants.toString());
        if (key == null || others.isEmpty()) {
            return template;
        }
        List<String> all = new ArrayList<>(List.of(template));
        all.addAll(others);
        return ExperimentAssignments.assign(splitOf(key, all), customerId).variant();
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
