package io.stageflow.journeys;

import java.util.List;
import java.util.function.UnaryOperator;

import io.stageflow.offers.Coupons;
import io.stageflow.offers.Offers;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The "Issue coupon" step ({@code ${issueCoupon}}, input parameters {@code offer}, an offer key, and
 * {@code resultVariable}, default {@code couponCode}): reserves a coupon of the offer for the journey's customer
 * and sets its code as a process variable. The next "Send email" step of the instance carries it ({@code $offer});
 * when that email is sent the coupon is issued, when it is suppressed or fails for good it is released. The
 * reservation is keyed by process instance, step and loop counter, so running the step again gives the same code.
 * The offer must exist when the journey is deployed.
 */
@Component("issueCoupon")
class IssueCouponStep implements JourneyStep, JavaDelegate {

    static final StepInput<String> OFFER = StepInput.text("offer").notEmpty().pattern("^[a-z0-9][a-z0-9-]*$");
    static final StepInput<String> RESULT_VARIABLE = StepInput.variableName("resultVariable", "couponCode");

    private final Coupons coupons;
    private final Offers offers;

    IssueCouponStep(Coupons coupons, Offers offers) {
        this.coupons = coupons;
        this.offers = offers;
    }

    @Override
    public String templateId() {
        return "io.stageflow.issueCoupon";
    }

    @Override
    public String appliesTo() {
        return "bpmn:ServiceTask";
    }

    @Override
    public String beanName() {
        return "issueCoupon";
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(OFFER, RESULT_VARIABLE);
    }

    @Override
    public String problemWith(String stepId, UnaryOperator<String> inputs) {
        String problem = RESULT_VARIABLE.problemWith(inputs.apply(RESULT_VARIABLE.name()));
        if (problem != null) {
            return "Issue-coupon step '" + stepId + "' " + problem;
        }
        String offer = OFFER.parse(inputs.apply(OFFER.name()));
        if (offer == null) {
            return "Issue-coupon step '" + stepId + "' names no offer: set its 'offer' input parameter (Offer key in Modeler)";
        }
        return offers.exists(offer) ? null
                : "Issue-coupon step '" + stepId + "' uses offer '" + offer + "', which does not exist: "
                        + "define it under stageflow.offers.definitions or create it with POST /api/v1/offers";
    }

    @Override
    public void execute(DelegateExecution execution) {
        String step = execution.getCurrentActivityId();
        String offer = OFFER.read(execution);
        if (offer == null) {
            throw new IllegalStateException("Step " + step + " names no offer: set its 'offer' input parameter");
        }
        String customerId = execution.getProcessBusinessKey();
        if (customerId == null) {
            throw new IllegalStateException("Step " + step + " cannot issue a coupon: the journey has no business key");
        }
        String reservedFor = StepRun.key(execution);
        String code = coupons.reserve(offer, customerId, reservedFor, StepRun.journeyKey(execution),
                execution.getProcessInstanceId(), step);
        execution.getProcessInstance().setVariable(RESULT_VARIABLE.read(execution), code);
    }
}
