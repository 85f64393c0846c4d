package io.stageflow.journeys;

import java.util.function.UnaryOperator;

import io.stageflow.customers.LifecycleStages;
import io.stageflow.messaging.TemplateRenderer;

import org.springframework.stereotype.Component;

/**
 * What makes a Stageflow step ("Send email", "Set lifecycle stage") runnable, in one place for the two times it
 * is checked: when Camunda parses a deployment (the Modeler's, or a changed file at startup) and when the
 * application starts with the journeys folder as it is, including files that are already deployed, against the
 * templates and stages as they are now.
 */
@Component
class StepRules {

    static final String SEND_EMAIL = "${sendEmail}";

    private final TemplateRenderer templates;
    private final LifecycleStages stages;

    StepRules(TemplateRenderer templates, LifecycleStages stages) {
        this.templates = templates;
        this.stages = stages;
    }

    /**
     * Why the step cannot run, or null when it can, or when it is no Stageflow step.
     *
     * @param inputs the step's raw input parameter by name (null when unset)
     */
    String problemWith(String stepId, String delegateExpression, UnaryOperator<String> inputs) {
        String delegate = delegateExpression == null ? "" : delegateExpression.strip();
        if (delegate.equals(SEND_EMAIL)) {
            return sendEmailProblem(stepId, inputs.apply("template"), inputs.apply("quietHours"));
        }
        if (delegate.equals(SetLifecycleStageDelegate.EXPRESSION)) {
            String stage = inputs.apply("stage");
            String mode = inputs.apply("mode");
            if (mode != null && !mode.strip().matches("(?i)set|advance")) {
                return "Set-stage step '" + stepId + "' has mode '" + mode.strip() + "'; use set or advance";
            }
            return stage != null && stages.isStage(stage.strip()) ? null
                    : "Set-stage step '" + stepId + "' has stage '" + stage + "'; use one of " + stages.stages();
        }
        return null;
    }

    /** Why the journey's {@code reentry} property is unusable, or null when it is fine or unset. */
    static String reentryProblem(String journeyKey, String reentry) {
        try {
            ReentryPolicy.parse(reentry);
            return null;
        } catch (IllegalArgumentException e) {
            return "Journey '" + journeyKey + "': " + e.getMessage() + "; set the process property 'reentry' to one of them";
        }
    }

    private String sendEmailProblem(String stepId, String template, String quietHours) {
        if (template == null || template.isBlank()) {
            return "Send step '" + stepId + "' names no template: set its 'template' input parameter (Template key in Modeler)";
        }
        if (quietHours != null && !quietHours.strip().matches("respect|ignore")) {
            return "Send step '" + stepId + "' has quietHours '" + quietHours.strip() + "'; use respect or ignore";
        }
        if (template.contains("${") || template.contains("#{")) {
            return null; // chosen at run time: checked when the step runs
        }
        String problem = templates.problemWith(template.strip());
        return problem == null ? null
                : "Send step '" + stepId + "' uses template '" + template.strip() + "', which cannot be sent: " + problem;
    }
}
