package io.stageflow.loyalty;

import java.util.List;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.stereotype.Component;

/** The customer's points ledger, account and tier changes: exported in full, deleted on erasure. */
@Component
class LoyaltyPersonalData implements PersonalData {

    private final PointsLedger ledger;

    LoyaltyPersonalData(PointsLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public String section() {
        return "loyalty";
    }

    @Override
    public Object export(Customer customer) {
        PointsLedger.Account account = ledger.account(customer.id()).orElse(null);
        return new Exported(account == null ? 0 : account.balance(), account == null ? null : account.tier(),
                ledger.ofCustomer(customer.id()).stream().map(LoyaltyController.PointsRow::of).toList(),
                ledger.tierChanges(customer.id()));
    }

    @Override
    public void erase(Customer customer) {
        ledger.deleteByCustomer(customer.id());
    }

    record Exported(int balance, String tier, List<LoyaltyController.PointsRow> points,
            List<PointsLedger.TierChange> tierChanges) {
    }
}
