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
 * test sends alike. A version that cannot be published answers 400 naming the file, line and reason; one saved over
 * a newer version, 409 naming it; a new template under a key that is taken, 409; an approval of nothing waiting, or of
 * the approver's own request, 409.
 */
@RestControllerAdvice
class TemplateProblems {

    @ExceptionHandler(InvalidTemplateException.class)
    ProblemDetail invalidTemplate(InvalidTemplateException e) {
        return located(HttpStatus.UNPROCESSABLE_ENTITY, "Template cannot be rendered", e.problem());
    }

    /** A version that would fail to render is not published: 400, naming the file, line and reason. */
    @ExceptionHandler(TemplateEditing.UnpublishableTemplateException.class)
    ProblemDetail unpublishable(TemplateEditing.UnpublishableTemplateException e) {
        return located(HttpStatus.BAD_REQUEST, "Template cannot be published", e.problem());
    }

    /** Saved over a version the author had not seen: 409, naming the newer version, so no edit is lost silently. */
    @ExceptionHandler(TemplateVersions.NewerVersionException.class)
    ProblemDetail newerVersion(TemplateVersions.NewerVersionException e) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "A newer version exists: "
                + e.getMessage() + ". Open it, and save your change on top of it.");
        detail.setTitle("Newer version");
        detail.setProperty("latestVersion", e.newer().version());
        detail.setProperty("author", e.newer().author());
        detail.setProperty("savedAt", e.newer().createdAt());
        return detail;
    }

    /** An approval that cannot be: nothing waits for it, or the approver asked for it themselves. */
    @ExceptionHandler(TemplateEditing.ApprovalConflictException.class)
    ProblemDetail approvalConflict(TemplateEditing.ApprovalConflictException e) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage() + ".");
        detail.setTitle(e.title());
        return detail;
    }

    /** A new template under a key that is taken. */
    @ExceptionHandler(TemplateEditing.TemplateExistsException.class)
    ProblemDetail exists(TemplateEditing.TemplateExistsException e) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage() + ".");
        detail.setTitle("Template exists");
        detail.setProperty("errors", List.of(new FieldViolation("key", "is taken")));
        return detail;
    }

    private static ProblemDetail located(HttpStatus status, String title, TemplateProblem problem) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(status, problem.describe());
        detail.setTitle(title);
        detail.setProperty("file", problem.file());
        if (problem.line() > 0) {
            detail.setProperty("line", problem.line());
            detail.setProperty("column", problem.column());
        }
        if (problem.reference() != null) {
            detail.setProperty("reference", problem.reference());
        }
        detail.setProperty("reason", problem.detail() == null ? problem.summary() : problem.detail());
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
