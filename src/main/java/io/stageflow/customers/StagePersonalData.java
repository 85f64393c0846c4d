package io.stageflow.customers;

import org.springframework.stereotype.Component;

/** The stage history in an export; on erasure it stays for the stage reports, under an id that leads nowhere. */
@Component
class StagePersonalData implements PersonalData {

    private final StageStore store;

    StagePersonalData(StageStore store) {
        this.store = store;
    }

    @Override
    public String section() {
        return "stageHistory";
    }

    @Override
    public Object export(Customer customer) {
        return store.history(customer.id());
    }

    @Override
    public void erase(Customer customer) {
        store.anonymiseHistory(customer.id(), PersonalData.anonymousId(customer));
    }
}
