package io.stageflow.journeys;

import io.stageflow.messaging.TemplateRenderer;

import org.springframework.stereotype.Component;

/**
 * What makes a "Send email" step sendable, in one place for the two times it is checked: when Camunda parses a
 * deployment (the Modeler's, or a changed file at startup) and when the application starts with the journeys
 * folder as it is, including files that are already deployed, against the templates as they are now.
 */
@Component
class SendStepRules {

    static final String SEND_EMAIL = "${sendEmail}";

    private final TemplateRenderer templates;

    SendStepRules(TemplateRenderer templates) {
        this.templates = templates;
    }

    static boolean isSendStep(String delegateExpression) {
        return delegateExpression != null && SEND_EMAIL.equals(delegateExpression.strip());
    }

    /** Why the step cannot send, or null when it can; inputs are the step's raw input parameters (null when unset). */
    String problemWith(String stepId, String template, String quietHours) {
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
