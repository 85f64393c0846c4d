package io.stageflow.journeys;

import java.util.List;

import io.stageflow.offers.Coupons;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The "Revoke coupons" step ({@code ${revokeCoupons}}, optional input {@code reason}): takes back every coupon this
 * journey instance issued that has not been redeemed yet (a referral reward whose friend's order was refunded).
 * The number revoked goes to the process variable {@code revokedCoupons}. Running it again revokes nothing more.
 * Any reason will do, so there is nothing to check at deploy.
 */
@Component("revokeCoupons")
class RevokeCouponsStep implements JourneyStep, JavaDelegate {

    static final StepInput<String> REASON = StepInput.text("reason");

    private final Coupons coupons;

    RevokeCouponsStep(Coupons coupons) {
        this.coupons = coupons;
    }

    @Override
    public String templateId() {
        return "io.stageflow.revokeCoupons";
    }

    @Override
    public String appliesTo() {
        return "bpmn:ServiceTask";
    }

    @Override
    public String beanName() {
        return "revokeCoupons";
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(REASON);
    }

    @Override
    public void execute(DelegateExecution execution) {
        String reason = REASON.read(execution);
        int revoked = coupons.revokeUnredeemed(execution.getProcessInstanceId(),
                reason == null ? "Revoked by step " + execution.getCurrentActivityId() : reason);
        execution.getProcessInstance().setVariable("revokedCoupons", revoked);
    }
}
