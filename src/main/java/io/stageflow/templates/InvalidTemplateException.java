package io.stageflow.templates;

/** A preview or test send asked for a template that validation refuses or that fails for the given customer. */
class InvalidTemplateException extends RuntimeException {

    private final transient TemplateProblem problem;

    InvalidTemplateException(TemplateProblem problem) {
        super(problem.describe());
        this.problem = problem;
    }

    TemplateProblem problem() {
        return problem;
    }
}
