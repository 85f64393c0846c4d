package io.stageflow.inactivity;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;
import io.stageflow.inactivity.InactivityJobConfiguration.InactiveCustomer;
import io.stageflow.jobs.Outcomes;
import io.stageflow.journeys.JourneyInstances;
import io.stageflow.support.Sha256;

import org.springframework.batch.item.Chunk;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemStreamWriter;

/**
 * Records a {@code customer_inactive} event for each inactive customer of the chunk who is not in win-back now,
 * in the chunk's transaction; the trigger router starts win-back from it after commit. The event's messageId is
 * made of the customer id and the time of their last order, so a re-run of the scan, or a second node running it
 * at the same time, records nothing new for the same spell of inactivity (events are deduplicated by messageId),
 * while the next spell (after a new order) gets a new one.
 */
final class InactivityWriter implements ItemStreamWriter<InactiveCustomer> {

    static final String TYPE = "customer_inactive";
    static final String STARTED = "started";
    static final String ALREADY_SENT = "alreadySent";
    static final String IN_JOURNEY = "inWinBack";

    private final ObservedEvents events;
    private final JourneyInstances journeys;
    private final String journey;
    private final Instant asOf;
    private final Outcomes outcomes = new Outcomes(STARTED, ALREADY_SENT, IN_JOURNEY);

    InactivityWriter(ObservedEvents events, JourneyInstances journeys, String journey, Instant asOf) {
        this.events = events;
        this.journeys = journeys;
        this.journey = journey;
        this.asOf = asOf;
    }

    @Override
    public void write(Chunk<? extends InactiveCustomer> chunk) {
        List<? extends InactiveCustomer> customers = chunk.getItems();
        Set<String> running = journeys.runningFor(journey, customers.stream().map(InactiveCustomer::id).toList());
        for (InactiveCustomer customer : customers) {
            if (running.contains(customer.id())) {
                outcomes.add(IN_JOURNEY, 1);
            } else if (events.record(event(customer))) {
                outcomes.add(STARTED, 1);
            } else {
                outcomes.add(ALREADY_SENT, 1);
            }
        }
    }

    private IncomingEvent event(InactiveCustomer customer) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("daysSinceLastOrder", Duration.between(customer.lastOrderAt(), asOf).toDays());
        properties.put("lastOrderAt", customer.lastOrderAt().toString());
        return new IncomingEvent(messageId(customer), TYPE, customer.id(), OffsetDateTime.ofInstant(asOf, ZoneOffset.UTC),
                properties);
    }

    /** {@code inactive-<customer id>-<last order, epoch ms>}; hashed when that would be too long for a messageId. */
    static String messageId(InactiveCustomer customer) {
        String id = "inactive-" + customer.id() + "-" + customer.lastOrderAt().toEpochMilli();
        return id.length() <= 100 ? id : "inactive-" + Sha256.hex(id);
    }

    @Override
    public void open(ExecutionContext context) {
        outcomes.open(context);
    }

    @Override
    public void update(ExecutionContext context) {
        outcomes.update(context);
    }
}
