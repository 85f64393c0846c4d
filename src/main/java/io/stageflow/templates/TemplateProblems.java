package io.stageflow.templates;

import java.util.List;

import io.stageflow.web.FieldViolation;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A template that cannot be rendered answers 422 naming the file, line and reference (the same check a deployment
 * makes), and a recipient that cannot be rendered for answers 422 naming {@code customerId}: for previews and for
 * test sends alike.
 */
@RestControllerAdvice
class TemplateProblems {

    @ExceptionHandler(InvalidTemplateException.class)
    ProblemDetail invalidTemplate(InvalidTemplateException e) {
        TemplateProblem problem = e.problem();
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, problem.describe());
        detail.setTitle("Template cannot be rendered");
        detail.setProperty("file", problem.file());
        if (problem.line() > 0) {
            detail.setProperty("line", problem.line());
            detail.setProperty("column", problem.column());
        }
        if (problem.reference() != null) {
            detail.setProperty("reference", problem.reference());
        }
        return detail;
    }

    @ExceptionHandler(TemplateRecipients.UnknownCustomerException.class)
    ProblemDetail unknownCustomer(TemplateRecipients.UnknownCustomerException e) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY,
                "The customer cannot be rendered for; see errors.");
        detail.setTitle("Unknown customer");
        detail.setProperty("errors", List.of(new FieldViolation("customerId", e.getMessage())));
        return detail;
    }
}
