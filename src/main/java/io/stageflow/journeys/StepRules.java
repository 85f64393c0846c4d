package io.stageflow.journeys;

import java.util.function.UnaryOperator;

import io.stageflow.customers.LifecycleStages;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.offers.Offers;
import io.stageflow.segments.Segments;

import org.springframework.stereotype.Component;

/**
 * What makes a Stageflow step ("Send email", "Set lifecycle stage", "Check segment") runnable, in one place for
 * the two times it is checked: when Camunda parses a deployment (the Modeler's, or a changed file at startup) and
 * when the application starts with the journeys folder as it is, including files that are already deployed,
 * against the templates, stages and segments as they are now. Segment files are loaded before this bean exists
 * (it depends on {@link Segments}, which loads them when it starts), so a journey may use a file's segment.
 */
@Component
class StepRules {

    static final String SEND_EMAIL = "${sendEmail}";

    private final TemplateRenderer templates;
    private final LifecycleStages stages;
    private final Segments segments;
    private final Offers offers;

    StepRules(TemplateRenderer templates, LifecycleStages stages, Segments segments, Offers offers) {
        this.templates = templates;
        this.stages = stages;
        this.segments = segments;
        this.offers = offers;
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
        if (delegate.equals(IssueCouponDelegate.EXPRESSION)) {
            return issueCouponProblem(stepId, inputs.apply("offer"), inputs.apply("resultVariable"));
        }
        if (delegate.equals(CheckSegmentDelegate.EXPRESSION)) {
            return checkSegmentProblem(stepId, inputs.apply("segment"), inputs.apply("resultVariable"));
        }
        return null;
    }

    private String checkSegmentProblem(String stepId, String segment, String resultVariable) {
        if (resultVariable != null && !resultVariable.isBlank()
                && !resultVariable.strip().matches(CheckSegmentDelegate.VARIABLE_NAME)) {
            return "Check-segment step '" + stepId + "' has result variable '" + resultVariable.strip()
                    + "'; use letters, digits and underscores, starting with a letter, such as inSegment";
        }
        if (segment == null || segment.isBlank()) {
            return "Check-segment step '" + stepId + "' names no segment: set its 'segment' input parameter (Segment key in Modeler)";
        }
        if (!Segments.isValidKey(segment.strip())) {
            return "Check-segment step '" + stepId + "' has segment '" + segment.strip()
                    + "'; a segment key is lower-case letters, digits and hyphens, such as vip-lapsed";
        }
        return segments.exists(segment.strip()) ? null
                : "Check-segment step '" + stepId + "' uses segment '" + segment.strip() + "', which does not exist: "
                        + "add segments/" + segment.strip() + ".json or create it with POST /api/v1/segments";
    }

    private String issueCouponProblem(String stepId, String offer, String resultVariable) {
        if (resultVariable != null && !resultVariable.isBlank()
                && !resultVariable.strip().matches(CheckSegmentDelegate.VARIABLE_NAME)) {
            return "Issue-coupon step '" + stepId + "' has result variable '" + resultVariable.strip()
                    + "'; use letters, digits and underscores, starting with a letter, such as couponCode";
        }
        if (offer == null || offer.isBlank()) {
            return "Issue-coupon step '" + stepId + "' names no offer: set its 'offer' input parameter (Offer key in Modeler)";
        }
        return offers.exists(offer.strip()) ? null
                : "Issue-coupon step '" + stepId + "' uses offer '" + offer.strip() + "', which does not exist: "
                        + "define it under stageflow.offers.definitions or create it with POST /api/v1/offers";
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
