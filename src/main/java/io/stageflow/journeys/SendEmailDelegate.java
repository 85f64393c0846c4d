package io.stageflow.journeys;

import java.util.Locale;

import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.delivery.EmailRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.offers.Coupons;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The "Send email" step ({@code ${sendEmail}}): queues the email in the outbox within the step's own
 * transaction. The idempotency key is process instance, step and loop counter, so a retried job or a step
 * that runs again never queues a second email. Its settings are the step's input parameters ({@code template},
 * {@code category}, {@code quietHours}), read as local variables so that a process variable of the same name
 * can never stand in for them. Coupons reserved by an earlier "Issue coupon" step of the instance that no email
 * carries yet go with this email.
 */
@Component("sendEmail")
class SendEmailDelegate implements JavaDelegate {

    private final Outbox outbox;
    private final Coupons coupons;

    SendEmailDelegate(Outbox outbox, Coupons coupons) {
        this.outbox = outbox;
        this.coupons = coupons;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String step = execution.getCurrentActivityId();
        String customerId = execution.getProcessBusinessKey();
        if (customerId == null) {
            throw new IllegalStateException("Step " + step + " cannot send: the journey has no business key (customer id)");
        }
        String key = StepRun.key(execution);
        outbox.enqueue(new EmailRequest(key, customerId, template(execution), category(execution),
                StepRun.journeyKey(execution), execution.getProcessInstanceId(), step, respectsQuietHours(execution)));
        // A coupon an "Issue coupon" step reserved before this send rides with it ($offer), and is issued or
        // released with the email's outcome.
        coupons.attachToEmail(execution.getProcessInstanceId(), key, step);
    }

    /** Input {@code quietHours}: {@code respect} (the default) or {@code ignore}, for replies to the customer's own action. */
    private static boolean respectsQuietHours(DelegateExecution execution) {
        Object quietHours = execution.getVariableLocal("quietHours");
        if (quietHours == null || quietHours.toString().isBlank()) {
            return true;
        }
        return switch (quietHours.toString().strip().toLowerCase(Locale.ROOT)) {
            case "respect" -> true;
            case "ignore" -> false;
            default -> throw new IllegalStateException("Step " + execution.getCurrentActivityId() + " has quietHours '"
                    + quietHours + "'; use respect or ignore");
        };
    }

    private static String template(DelegateExecution execution) {
        Object template = execution.getVariableLocal("template");
        if (!(template instanceof String key) || key.isBlank()) {
            throw new IllegalStateException("Step " + execution.getCurrentActivityId()
                    + " has no 'template' input parameter naming the template folder to send");
        }
        return key.strip();
    }

    private static EmailCategory category(DelegateExecution execution) {
        Object category = execution.getVariableLocal("category");
        if (category == null || category.toString().isBlank()) {
            return EmailCategory.MARKETING;
        }
        try {
            return EmailCategory.valueOf(category.toString().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Step " + execution.getCurrentActivityId() + " has category '" + category
                    + "'; use marketing or transactional", e);
        }
    }
}
