package io.stageflow.events;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.customers.CustomerService;
import io.stageflow.customers.CustomerUpsert;
import io.stageflow.customers.LanguageTag;
import io.stageflow.customers.TimeZoneId;
import io.stageflow.events.EventIngestion.IngestReport;
import io.stageflow.events.EventIngestion.ItemResult;
import io.stageflow.security.WriteKey;
import io.stageflow.web.FieldViolation;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Segment's HTTP tracking calls, taken as Segment and RudderStack libraries send them: {@code identify} creates or
 * updates the profile, {@code group} records the customer's group (account) as the traits {@code groupId} and
 * {@code group}, {@code track}, {@code page} and {@code screen} become Stageflow events (with every property,
 * e-commerce {@code products} arrays included), {@code alias} folds an anonymous profile into the known one. A
 * message's time is its {@code timestamp}, or RudderStack's {@code originalTimestamp}, corrected for the sender's
 * clock by {@code receivedAt - sentAt} when the message or its batch has a {@code sentAt}. Every call is
 * deduplicated by its messageId, so a redelivery changes nothing; invalid messages are reported by field and the
 * valid ones of the same batch are kept. A browser write key's calls may not alias, and its identify and group
 * calls create anonymous or new profiles but never change a known customer (those are answered as ignored).
 */
@Service
class TrackingApiIngestion {

    /** Segment's own limit per message. */
    static final int MAX_MESSAGE_BYTES = 32 * 1024;
    static final String ANONYMOUS_PREFIX = "anonymous:";

    /** Message fields that must be JSON strings without control characters, when present. */
    private static final List<String> TEXT_FIELDS =
            List.of("type", "messageId", "userId", "anonymousId", "previousId", "event", "name", "groupId");
    /** Message fields holding a time: ISO-8601 strings. */
    private static final List<String> TIME_FIELDS = List.of("timestamp", "originalTimestamp", "sentAt");
    private static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "group", "alias");
    private static final Set<String> PROFILE_TRAITS = Set.of("email", "firstName", "first_name", "marketingConsent");
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final EventIngestion events;
    private final EventStore eventStore;
    private final IngestedMessages ingested;
    private final CustomerService customers;
    private final TrackingApiEventTypes eventTypes;
    private final Validator validator;
    private final ObjectMapper objectMapper;
    private final Clock clock;
    private final StrictIntake strict;
    private final IntakeEffects intakeEffects;

    TrackingApiIngestion(EventIngestion events, EventStore eventStore, IngestedMessages ingested, CustomerService customers,
            TrackingApiEventTypes eventTypes, Validator validator, ObjectMapper objectMapper, Clock clock,
            StrictIntake strict, IntakeEffects intakeEffects) {
        this.events = events;
        this.intakeEffects = intakeEffects;
        this.eventStore = eventStore;
        this.ingested = ingested;
        this.customers = customers;
        this.eventTypes = eventTypes;
        this.validator = validator;
        this.objectMapper = objectMapper;
        this.clock = clock;
        this.strict = strict;
    }

    /**
     * @param calls        the messages, one for a single call or the {@code batch} array's items
     * @param impliedType  the type a single-call endpoint implies ({@code /v1/track} → track), or null for a batch
     * @param envelope     the request's body: a batch's {@code context} is used where a message has none, its
     *                     {@code sentAt} where a message has none
     * @param keyKind      the kind of write key the calls came with
     */
    @Transactional
    public IngestReport ingest(List<JsonNode> calls, String impliedType, JsonNode envelope, WriteKey.Kind keyKind) {
        Instant now = clock.instant();
        JsonNode sharedContext = impliedType == null ? envelope.get("context") : null;
        JsonNode sharedSentAt = impliedType == null ? envelope.get("sentAt") : null;
        List<FieldViolation> violations = new ArrayList<>();
        List<ItemResult> results = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            String prefix = impliedType == null ? "batch[" + i + "]." : "";
            List<FieldViolation> found = new ArrayList<>();
            Call call = read(calls.get(i), impliedType, sharedContext, sharedSentAt, now, prefix, found);
            if (call == null) {
                violations.addAll(found);
                results.add(new ItemResult(i, calls.get(i).path("messageId").textValue(), ItemResult.Status.REJECTED));
            } else if (keyKind == WriteKey.Kind.BROWSER && "alias".equals(call.type())) {
                violations.add(new FieldViolation(prefix + "type", "alias needs a server write key"));
                results.add(new ItemResult(i, call.messageId(), ItemResult.Status.REJECTED));
            } else {
                results.add(new ItemResult(i, call.messageId(), apply(call, now, keyKind)));
            }
        }
        IngestReport report = new IngestReport(results, violations);
        events.announce(report);
        return report;
    }

    private ItemResult.Status apply(Call call, Instant now, WriteKey.Kind keyKind) {
        switch (call.type()) {
            case "identify", "group" -> {
                if (!ingested.firstTime(call.messageId(), call.type(), now)) {
                    return ItemResult.Status.DUPLICATE;
                }
                if (keyKind == WriteKey.Kind.BROWSER && !call.customerId().startsWith(ANONYMOUS_PREFIX)) {
                    // Anyone can read a browser key and a user id: it may create a profile, never change a known one.
                    return customers.createIfAbsent(call.customerId(), call.profile()) ? ItemResult.Status.ACCEPTED
                            : ItemResult.Status.IGNORED;
                }
                customers.upsert(call.customerId(), call.profile());
                return ItemResult.Status.ACCEPTED;
            }
            case "alias" -> {
                if (!ingested.firstTime(call.messageId(), "alias", now)) {
                    return ItemResult.Status.DUPLICATE;
                }
                // previousId is usually the visitor's anonymousId, sometimes an earlier userId.
                String from = customers.find(ANONYMOUS_PREFIX + call.previousId()).isPresent()
                        ? ANONYMOUS_PREFIX + call.previousId() : call.previousId();
                if (customers.merge(from, call.customerId())) {
                    eventStore.reassignCustomer(from, call.customerId());
                    intakeEffects.customerMerged(from, call.customerId());
                }
                return ItemResult.Status.ACCEPTED;
            }
            default -> {
                customers.ensureExists(call.customerId(), call.profile().locale(), call.profile().timeZone());
                return events.append(call.event(), now) ? ItemResult.Status.ACCEPTED : ItemResult.Status.DUPLICATE;
            }
        }
    }

    /** The call, or null after adding why it is invalid. */
    private Call read(JsonNode message, String impliedType, JsonNode sharedContext, JsonNode sharedSentAt,
            Instant receivedAt, String prefix, List<FieldViolation> violations) {
        String at = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
        if (!message.isObject()) {
            violations.add(new FieldViolation(at, "must be a message object"));
            return null;
        }
        int size = message.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_MESSAGE_BYTES) {
            violations.add(new FieldViolation(at, "is " + size + " bytes; a message may be at most 32 KB"));
            return null;
        }
        // Ids are JSON strings without control characters; a number is not turned into text.
        boolean texts = strict.checkTexts(message, TEXT_FIELDS, prefix, violations);
        for (String field : TIME_FIELDS) {
            texts &= strict.checkTimeText(message, field, prefix, violations);
        }
        if (!texts) {
            return null;
        }
        strict.checkProperties(message.get("properties"), prefix + "properties.", violations);
        String type = impliedType != null ? impliedType : text(message, "type");
        if (type == null || !TYPES.contains(type)) {
            violations.add(new FieldViolation(prefix + "type",
                    "must be identify, track, page, screen, group or alias"));
            return null;
        }
        String messageId = text(message, "messageId");
        if (messageId == null) {
            messageId = UUID.randomUUID().toString(); // as Segment does; without one, a redelivery cannot be recognised
        } else if (messageId.length() > 100) {
            violations.add(new FieldViolation(prefix + "messageId", "must be at most 100 characters"));
        }
        String customerId = customerId(message, prefix, violations);
        JsonNode context = message.has("context") ? message.path("context") : sharedContext;
        CustomerUpsert profile = "group".equals(type) ? group(message, prefix, violations)
                : profile(message.path("traits"), context, type, prefix, violations);
        String timeField = message.hasNonNull("timestamp") || !message.hasNonNull("originalTimestamp") ? "timestamp"
                : "originalTimestamp";
        Instant timestamp = time(message, timeField, prefix, violations);
        Instant sentAt = message.hasNonNull("sentAt") ? time(message, "sentAt", prefix, violations)
                : sharedSentAt == null || sharedSentAt.isNull() ? null
                : sharedSentAt.isTextual() ? time(sharedSentAt.textValue(), "sentAt", violations)
                : invalidTime("sentAt", violations);
        if (timestamp != null && sentAt != null) {
            // The sender's clock may be off: what it took for "now" when sending was the time the message arrived.
            timestamp = timestamp.plus(Duration.between(sentAt, receivedAt));
        }
        strict.checkTimestamp(timestamp, prefix + timeField, violations);

        String previousId = null;
        IncomingEvent event = null;
        switch (type) {
            case "alias" -> {
                previousId = text(message, "previousId");
                if (previousId == null || text(message, "userId") == null) {
                    violations.add(new FieldViolation(prefix + "previousId", "alias needs previousId and userId"));
                }
            }
            case "track" -> event = event(message, text(message, "event"), "event", messageId, customerId,
                    timestamp, prefix, violations);
            case "page", "screen" -> event = event(message, type + "_viewed", null, messageId, customerId, timestamp,
                    prefix, violations);
            default -> {
                // identify: the profile is all there is
            }
        }
        if (!violations.isEmpty()) {
            return null;
        }
        return new Call(type, messageId, customerId, previousId, profile, event);
    }

    private String customerId(JsonNode message, String prefix, List<FieldViolation> violations) {
        String userId = text(message, "userId");
        String anonymousId = text(message, "anonymousId");
        String id = userId != null ? userId : anonymousId != null ? ANONYMOUS_PREFIX + anonymousId : null;
        if (id == null) {
            violations.add(new FieldViolation(prefix + "userId", "a message needs a userId or an anonymousId"));
        } else if (id.length() > 100) {
            violations.add(new FieldViolation(prefix + (userId != null ? "userId" : "anonymousId"),
                    "is too long for a customer id"));
        }
        return id;
    }

    private CustomerUpsert profile(JsonNode traits, JsonNode context, String type, String prefix,
            List<FieldViolation> violations) {
        String locale = text(context, "locale");
        String timeZone = text(context, "timezone");
        if (!"identify".equals(type)) {
            // Only a hint for a profile created on the fly: an unusable value is dropped, not an error.
            return new CustomerUpsert(null, null,
                    new LanguageTag.Validator().isValid(locale, null) ? locale : null,
                    new TimeZoneId.Validator().isValid(timeZone, null) ? timeZone : null, null);
        }
        Map<String, Object> other = traits.isObject() ? objectMapper.convertValue(traits, MAP) : new LinkedHashMap<>();
        PROFILE_TRAITS.forEach(other::remove);
        String firstName = text(traits, "firstName") != null ? text(traits, "firstName") : text(traits, "first_name");
        JsonNode consent = traits.path("marketingConsent");
        if (!consent.isMissingNode() && !consent.isNull() && !consent.isBoolean()) {
            violations.add(new FieldViolation(prefix + "traits.marketingConsent", "must be true or false"));
        }
        CustomerUpsert profile = new CustomerUpsert(text(traits, "email"), firstName, locale, timeZone, other,
                consent.isBoolean() ? consent.booleanValue() : null);
        for (ConstraintViolation<CustomerUpsert> invalid : validator.validate(profile)) {
            String field = switch (invalid.getPropertyPath().toString()) {
                case "locale" -> "context.locale";
                case "timeZone" -> "context.timezone";
                default -> "traits." + invalid.getPropertyPath();
            };
            violations.add(new FieldViolation(prefix + field, invalid.getMessage()));
        }
        return profile;
    }

    private IncomingEvent event(JsonNode message, String nameOrType, String nameField, String messageId,
            String customerId, Instant timestamp, String prefix, List<FieldViolation> violations) {
        Map<String, Object> properties = message.path("properties").isObject()
                ? objectMapper.convertValue(message.path("properties"), MAP) : new LinkedHashMap<>();
        String type = nameOrType;
        if (nameField != null) {
            if (nameOrType == null) {
                violations.add(new FieldViolation(prefix + nameField, "a track call needs the event name"));
                return null;
            }
            type = eventTypes.typeOf(nameOrType);
            properties.putIfAbsent("segmentEvent", nameOrType);
        } else if (text(message, "name") != null) {
            properties.putIfAbsent("name", text(message, "name"));
        }
        IncomingEvent event = new IncomingEvent(messageId, type, customerId,
                timestamp == null ? null : OffsetDateTime.ofInstant(timestamp, ZoneOffset.UTC), properties);
        for (ConstraintViolation<IncomingEvent> invalid : validator.validate(event)) {
            String field = invalid.getPropertyPath().toString();
            if ("customerId".equals(field)) {
                continue; // reported as a missing userId/anonymousId
            }
            violations.add(new FieldViolation(prefix + ("type".equals(field) && nameField != null ? nameField : field),
                    "type".equals(field) ? "cannot be turned into a Stageflow event type: " + type : invalid.getMessage()));
        }
        return event;
    }

    /** A group call: the customer's group (account) id and that group's traits, kept as the customer's traits. */
    private CustomerUpsert group(JsonNode message, String prefix, List<FieldViolation> violations) {
        String groupId = text(message, "groupId");
        if (groupId == null) {
            violations.add(new FieldViolation(prefix + "groupId", "a group call needs the groupId"));
        } else if (groupId.length() > 100) {
            violations.add(new FieldViolation(prefix + "groupId", "must be at most 100 characters"));
        }
        JsonNode traits = message.path("traits");
        if (!traits.isMissingNode() && !traits.isNull() && !traits.isObject()) {
            violations.add(new FieldViolation(prefix + "traits", "must be a JSON object"));
        }
        Map<String, Object> group = traits.isObject() ? objectMapper.convertValue(traits, MAP) : new LinkedHashMap<>();
        Map<String, Object> customerTraits = new LinkedHashMap<>();
        customerTraits.put("groupId", groupId);
        customerTraits.put("group", group);
        return new CustomerUpsert(null, null, null, null, customerTraits);
    }

    private static Instant time(JsonNode message, String field, String prefix, List<FieldViolation> violations) {
        String value = text(message, field);
        return value == null ? null : time(value, prefix + field, violations);
    }

    private static Instant invalidTime(String field, List<FieldViolation> violations) {
        violations.add(new FieldViolation(field, StrictIntake.TIMESTAMP_RULE));
        return null;
    }

    private static Instant time(String value, String field, List<FieldViolation> violations) {
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            violations.add(new FieldViolation(field, StrictIntake.TIMESTAMP_RULE));
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText().strip();
        return text.isEmpty() ? null : text;
    }

    /** One valid tracking call, translated. */
    private record Call(String type, String messageId, String customerId, String previousId, CustomerUpsert profile,
            IncomingEvent event) {
    }
}
