package io.stageflow.experiments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.stereotype.Component;

/**
 * The experiments the customer entered, and the path they took in each, in an export. On erasure the entries stay
 * for the experiments' counts, under {@link PersonalData#anonymousId}, an id that leads nowhere.
 */
@Component
class ExperimentPersonalData implements PersonalData {

    private final ExperimentStore store;

    ExperimentPersonalData(ExperimentStore store) {
        this.store = store;
    }

    @Override
    public String section() {
        return "experiments";
    }

    @Override
    public Object export(Customer customer) {
        List<Map<String, Object>> entries = new java.util.ArrayList<>();
        for (ExperimentStore.Entry entry : store.entriesOf(customer.id())) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("experiment", entry.experimentKey());
            row.put("journey", entry.journeyKey());
            row.put("journeyInstanceId", entry.journeyInstanceId());
            row.put("variant", entry.variant());
            row.put("holdout", entry.holdout());
            row.put("enteredAt", entry.enteredAt().toString());
            entries.add(row);
        }
        return entries;
    }

    @Override
    public void erase(Customer customer) {
        store.anonymise(customer.id(), PersonalData.anonymousId(customer));
    }
}
