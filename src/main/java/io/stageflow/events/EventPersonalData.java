package io.stageflow.events;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The customer's events: exported in full, deleted on erasure. */
@Component
class EventPersonalData implements PersonalData {

    private final JdbcClient jdbc;
    private final EventStore events;

    EventPersonalData(JdbcClient jdbc, EventStore events) {
        this.jdbc = jdbc;
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
        jdbc.sql("delete from sf_event where customer_id = ?").param(customer.id()).update();
    }

    record ExportedEvent(String messageId, String type, String timestamp, String receivedAt, Object properties) {
    }
}
