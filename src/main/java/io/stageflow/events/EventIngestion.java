package io.stageflow.events;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.stageflow.customers.CustomerService;
import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

import io.micrometer.core.instrument.MeterRegistry;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Validates posted events one by one and stores the valid ones in one transaction (one JDBC batch), with what the
 * {@link IntakeEffect}s record of the new ones, so the API answers only after they are durable. Invalid items are
 * reported by field and never stored; they do not stop the rest.
 */
@Service
class EventIngestion {

    /** Event fields that must be JSON strings (no number or boolean turned into text), without control characters. */
    private static final List<String> TEXT_FIELDS = List.of("messageId", "type", "customerId");

    private final EventStore store;
    private final CustomerService customers;
    private final Validator validator;
    private final ObjectReader eventReader;
    private final ApplicationEventPublisher publisher;
    private final Clock clock;
    private final int maxBatchSize;
    private final MeterRegistry meters;
    private final StrictIntake strict;
    private final IntakeEffects intakeEffects;

    /**
     * Who may act on events (journeys, which depend on this feature in turn: looked up when first needed); the
     * observed events of types none of them acts on are stored as routed at once.
     */
    private final org.springframework.beans.factory.ObjectProvider<EventInterest> interest;
    private volatile List<EventInterest> judges;

    EventIngestion(EventStore store, CustomerService customers, Validator validator, ObjectMapper objectMapper,
            ApplicationEventPublisher publisher, Clock clock, EventsProperties properties, MeterRegistry meters,
            StrictIntake strict, org.springframework.beans.factory.ObjectProvider<EventInterest> interest,
            IntakeEffects intakeEffects) {
        this.interest = interest;
        this.intakeEffects = intakeEffects;
        this.store = store;
        this.customers = customers;
        this.validator = validator;
        this.eventReader = objectMapper.readerFor(IncomingEvent.class)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.publisher = publisher;
        this.clock = clock;
        this.maxBatchSize = properties.maxBatchSize();
        this.meters = meters;
        this.strict = strict;
    }

    @Transactional
    public IngestReport ingest(JsonNode body) {
        boolean batch = body.isArray();
        if (!batch && !body.isObject()) {
            throw new InvalidInputException("", "must be one event object or an array of events");
        }
        if (batch && body.isEmpty()) {
            throw new InvalidInputException("", "must contain at least one event");
        }
        if (batch && body.size() > maxBatchSize) {
            throw new InvalidInputException("", "holds " + body.size() + " events; at most " + maxBatchSize
                    + " are accepted per request");
        }
        List<JsonNode> items = new ArrayList<>();
        if (batch) {
            body.forEach(items::add);
        } else {
            items.add(body);
        }

        List<List<FieldViolation>> violationsByItem = new ArrayList<>();
        List<IncomingEvent> parsed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<FieldViolation> itemViolations = new ArrayList<>();
            parsed.add(parse(items.get(i), batch ? "[" + i + "]." : "", itemViolations));
            violationsByItem.add(itemViolations);
        }
        rejectUnknownCustomers(parsed, batch, violationsByItem);
        List<FieldViolation> violations = violationsByItem.stream().flatMap(List::stream).toList();

        List<IncomingEvent> valid = parsed.stream().filter(e -> e != null).toList();
        Instant now = clock.instant();
        boolean[] accepted = store.appendAll(valid, now);
        intakeEffects.acceptedAll(valid, accepted, now);
        List<ItemResult> results = new ArrayList<>();
        for (int i = 0, v = 0; i < parsed.size(); i++) {
            IncomingEvent event = parsed.get(i);
            if (event == null) {
                results.add(new ItemResult(i, messageIdOf(items.get(i)), ItemResult.Status.REJECTED));
            } else {
                results.add(new ItemResult(i, event.messageId(),
                        accepted[v++] ? ItemResult.Status.ACCEPTED : ItemResult.Status.DUPLICATE));
            }
        }
        IngestReport report = new IngestReport(results, violations);
        announce(report);
        return report;
    }

    /**
     * Records one event Stageflow itself observed (a survey answer clicked in an email), as if it had been posted:
     * durable, deduplicated by messageId, routed after commit. False when the messageId was accepted before.
     */
    @Transactional
    boolean record(IncomingEvent event) {
        return recordAll(List.of(event))[0];
    }

    /**
     * {@link #record} for several observed events at once (a batch of email opens), inserted with one batch
     * ({@link EventStore#appendObserved}). For each, whether it was new.
     */
    @Transactional
    boolean[] recordAll(List<IncomingEvent> events) {
        for (IncomingEvent event : events) {
            Set<ConstraintViolation<IncomingEvent>> invalid = validator.validate(event);
            if (!invalid.isEmpty()) {
                throw new IllegalArgumentException("Not a valid event: " + invalid.iterator().next().getPropertyPath()
                        + " " + invalid.iterator().next().getMessage());
            }
        }
        List<EventInterest> judges = judges();
        java.util.Map<String, Boolean> inertTypes = new java.util.HashMap<>();
        java.util.function.Predicate<String> inert = type -> inertTypes.computeIfAbsent(type,
                t -> !judges.isEmpty() && judges.stream().noneMatch(anyone -> anyone.actsOn(t)));
        Instant now = clock.instant();
        boolean[] accepted = store.appendObserved(events, now, inert);
        intakeEffects.acceptedAll(events, accepted, now);
        List<ItemResult> results = new ArrayList<>();
        int toRoute = 0;
        for (int i = 0; i < events.size(); i++) {
            results.add(new ItemResult(i, events.get(i).messageId(),
                    accepted[i] ? ItemResult.Status.ACCEPTED : ItemResult.Status.DUPLICATE));
            if (accepted[i] && !inert.test(events.get(i).type())) {
                toRoute++;
            }
        }
        announce(new IngestReport(results, List.of()), toRoute);
        return accepted;
    }

    /** The {@link EventInterest} beans, looked up on the first batch rather than on each. */
    private List<EventInterest> judges() {
        List<EventInterest> found = judges;
        if (found == null) {
            found = interest.orderedStream().toList();
            judges = found;
        }
        return found;
    }

    /**
     * Stores one valid event in the caller's transaction, with what the {@link IntakeEffect}s record of it; false
     * when its messageId was accepted before.
     */
    boolean append(IncomingEvent event, Instant now) {
        boolean accepted = store.append(event, now);
        if (accepted) {
            intakeEffects.accepted(event, now);
        }
        return accepted;
    }

    /** Counts the results and, when events were accepted, tells the router after commit. */
    void announce(IngestReport report) {
        announce(report, (int) report.count(ItemResult.Status.ACCEPTED));
    }

    /** {@link #announce(IngestReport)} when only {@code toRoute} of the accepted events wait for the router. */
    private void announce(IngestReport report, int toRoute) {
        long accepted = report.count(ItemResult.Status.ACCEPTED);
        if (toRoute > 0) {
            publisher.publishEvent(new EventsAccepted(toRoute));
        }
        // One counter look-up per status, not per event.
        for (ItemResult.Status status : ItemResult.Status.values()) {
            long n = status == ItemResult.Status.ACCEPTED ? accepted : report.count(status);
            if (n > 0) {
                meters.counter("stageflow.events.ingested", "result", status.name().toLowerCase(Locale.ROOT))
                        .increment(n);
            }
        }
    }

    /** The event, or null after adding why it is invalid. */
    private IncomingEvent parse(JsonNode item, String prefix, List<FieldViolation> violations) {
        if (!item.isObject()) {
            violations.add(new FieldViolation(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1),
                    "must be an event object"));
            return null;
        }
        // Before binding, which would turn a number into text: ids are JSON strings, the timestamp too.
        List<FieldViolation> strictViolations = new ArrayList<>();
        strict.checkTexts(item, TEXT_FIELDS, prefix, strictViolations);
        strict.checkTimestampText(item, prefix, strictViolations);
        strict.checkProperties(item.get("properties"), prefix + "properties.", strictViolations);
        if (!strictViolations.isEmpty()) {
            violations.addAll(strictViolations);
            return null;
        }
        IncomingEvent event;
        try {
            event = eventReader.readValue(item);
        } catch (UnrecognizedPropertyException e) {
            violations.add(new FieldViolation(prefix + e.getPropertyName(),
                    "is not an event field; put custom data under properties"));
            return null;
        } catch (JsonMappingException e) {
            violations.add(new FieldViolation(prefix + FieldViolation.pathOf(e), wrongTypeMessage(e)));
            return null;
        } catch (IOException e) {
            violations.add(new FieldViolation(prefix.isEmpty() ? "" : prefix, "cannot be read: " + e.getMessage()));
            return null;
        }
        Set<ConstraintViolation<IncomingEvent>> invalid = validator.validate(event);
        int before = violations.size();
        invalid.stream()
                .map(v -> new FieldViolation(prefix + v.getPropertyPath(), v.getMessage()))
                .sorted(Comparator.comparing(FieldViolation::field).thenComparing(FieldViolation::message))
                .forEach(violations::add);
        strict.checkTimestamp(event.timestamp() == null ? null : event.timestamp().toInstant(), prefix + "timestamp",
                violations);
        return violations.size() == before ? event : null;
    }

    private void rejectUnknownCustomers(List<IncomingEvent> parsed, boolean batch,
            List<List<FieldViolation>> violationsByItem) {
        Set<String> known = customers.existing(parsed.stream()
                .filter(e -> e != null).map(IncomingEvent::customerId).distinct().toList());
        for (int i = 0; i < parsed.size(); i++) {
            IncomingEvent event = parsed.get(i);
            if (event != null && !known.contains(event.customerId())) {
                violationsByItem.get(i).add(new FieldViolation((batch ? "[" + i + "]." : "") + "customerId",
                        "no customer has this id; create it first with PUT /api/v1/customers/{id}"));
                parsed.set(i, null);
            }
        }
    }

    private static String wrongTypeMessage(JsonProcessingException e) {
        String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                ? m.getPath().get(0).getFieldName() : null;
        if ("timestamp".equals(field)) {
            return StrictIntake.TIMESTAMP_RULE;
        }
        if ("properties".equals(field)) {
            return "must be a JSON object";
        }
        return "must be a string";
    }

    private static String messageIdOf(JsonNode item) {
        JsonNode id = item.path("messageId");
        return id.isTextual() ? id.asText() : null;
    }

    /** What happened to each posted event, and the fields that made any of them invalid. */
    record IngestReport(List<ItemResult> results, List<FieldViolation> violations) {

        long count(ItemResult.Status status) {
            return results.stream().filter(r -> r.status() == status).count();
        }
    }

    /** The fate of the event at {@code index} in the request. */
    record ItemResult(int index, String messageId, Status status) {

        /** IGNORED: valid, but not the caller's to make (a browser write key identifying a known customer). */
        enum Status { ACCEPTED, DUPLICATE, REJECTED, IGNORED }
    }
}
