package io.stageflow.journeys;

import io.stageflow.offers.Coupons;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * The "Revoke coupons" step ({@code ${revokeCoupons}}, optional input {@code reason}): takes back every coupon this
 * journey instance issued that has not been redeemed yet (a referral reward whose friend's order was refunded).
 * The number revoked goes to the process variable {@code revokedCoupons}. Running it again revokes nothing more.
 */
@Component("revokeCoupons")
class RevokeCouponsDelegate implements JavaDelegate {

    private final Coupons coupons;

    RevokeCouponsDelegate(Coupons coupons) {
        this.coupons = coupons;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Object reason = execution.getVariableLocal("reason");
        int revoked = coupons.revokeUnredeemed(execution.getProcessInstanceId(),
                reason == null || reason.toString().isBlank() ? "Revoked by step " + execution.getCurrentActivityId()
                        : reason.toString().strip());
        execution.getProcessInstance().setVariable("revokedCoupons", revoked);
    }
}
