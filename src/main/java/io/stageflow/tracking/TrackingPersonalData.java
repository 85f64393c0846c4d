package io.stageflow.tracking;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.stereotype.Component;

/**
 * The customer's engagement: each tracked email, its opens and clicks and its links. Erasure deletes all of it; the
 * message tallies keep only counts, which name no one.
 */
@Component
class TrackingPersonalData implements PersonalData {

    private final TrackingStore store;
    private final ClickTargets targets;

    TrackingPersonalData(TrackingStore store, ClickTargets targets) {
        this.store = store;
        this.targets = targets;
    }

    @Override
    public String section() {
        return "engagement";
    }

    @Override
    public Object export(Customer customer) {
        return store.export(customer.id());
    }

    @Override
    public void erase(Customer customer) {
        targets.forget(store.erase(customer.id()));
    }
}
