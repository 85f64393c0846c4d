package io.stageflow.journeys;

import io.stageflow.offers.Coupons;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The "Issue coupon" step ({@code ${issueCoupon}}, input parameters {@code offer}, an offer key, and
 * {@code resultVariable}, default {@code couponCode}): reserves a coupon of the offer for the journey's customer
 * and sets its code as a process variable. The next "Send email" step of the instance carries it ({@code $offer});
 * when that email is sent the coupon is issued, when it is suppressed or fails for good it is released. The
 * reservation is keyed by process instance, step and loop counter, so running the step again gives the same code.
 */
@Component("issueCoupon")
class IssueCouponDelegate implements JavaDelegate {

    static final String EXPRESSION = "${issueCoupon}";
    static final String DEFAULT_RESULT = "couponCode";

    private final Coupons coupons;

    IssueCouponDelegate(Coupons coupons) {
        this.coupons = coupons;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String step = execution.getCurrentActivityId();
        Object offer = execution.getVariableLocal("offer");
        if (!(offer instanceof String key) || key.isBlank()) {
            throw new IllegalStateException("Step " + step + " names no offer: set its 'offer' input parameter");
        }
        String customerId = execution.getProcessBusinessKey();
        if (customerId == null) {
            throw new IllegalStateException("Step " + step + " cannot issue a coupon: the journey has no business key");
        }
        String reservedFor = StepRun.key(execution);
        String code = coupons.reserve(key.strip(), customerId, reservedFor, StepRun.journeyKey(execution),
                execution.getProcessInstanceId(), step);
        execution.getProcessInstance().setVariable(resultVariable(execution), code);
    }

    private static String resultVariable(DelegateExecution execution) {
        Object name = execution.getVariableLocal("resultVariable");
        return name == null || name.toString().isBlank() ? DEFAULT_RESULT : name.toString().strip();
    }
}
