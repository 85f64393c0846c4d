package io.stageflow.events;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.stereotype.Component;

/** The customer's events: exported in full, deleted on erasure. */
@Component
class EventPersonalData implements PersonalData {

    private final EventStore events;

    EventPersonalData(EventStore events) {
        this.events = events;
    }

    @Override
    public String section() {
        return "events";
    }

    @Override
    public Object export(Customer customer) {
        return events.findByCustomer(customer.id()).stream()
                .map(e -> new ExportedEvent(e.messageId(), e.type(), e.occurredAt().toString(),
                        e.receivedAt().toString(), e.properties()))
                .toList();
    }

    @Override
    public void erase(Customer customer) {
        events.deleteByCustomer(customer.id());
    }

    record ExportedEvent(String messageId, String type, String timestamp, String receivedAt, Object properties) {
    }
}
