package io.stageflow.audit;

import java.util.List;
import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.stereotype.Component;

/**
 * What the audit log says about a customer: who erased or exported their data, and when. An export lists it; an
 * erasure keeps every entry (the log is append-only) and replaces their id in it with their anonymous id.
 */
@Component
class AuditPersonalData implements PersonalData {

    static final String CUSTOMER = "customer";

    private final AuditLog auditLog;

    AuditPersonalData(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    @Override
    public String section() {
        return "audit";
    }

    @Override
    public Object export(Customer customer) {
        List<AuditEntry> entries = auditLog.about(CUSTOMER, customer.id());
        return entries.stream().map(entry -> Map.of("occurredAt", entry.occurredAt(), "actor", entry.actor(),
                "action", entry.action(), "outcome", entry.outcome())).toList();
    }

    @Override
    public void erase(Customer customer) {
        auditLog.rename(CUSTOMER, customer.id(), PersonalData.anonymousId(customer));
    }
}
