package io.stageflow.bounces;

import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;
import io.stageflow.subscriptions.Suppressions;

import org.springframework.stereotype.Component;

/**
 * The soft bounces counted against the customer's address: exported with their times, and forgotten on erasure
 * (the address itself is then suppressed as erased by delivery).
 */
@Component
class BouncePersonalData implements PersonalData {

    private final SoftBounces softBounces;

    BouncePersonalData(SoftBounces softBounces) {
        this.softBounces = softBounces;
    }

    @Override
    public String section() {
        return "softBounces";
    }

    @Override
    public Object export(Customer customer) {
        return customer.email() == null ? Map.of() : Map.of("reportedAt",
                softBounces.of(Suppressions.hash(customer.email())));
    }

    @Override
    public void erase(Customer customer) {
        if (customer.email() != null) {
            softBounces.forget(Suppressions.hash(customer.email()));
        }
    }
}
