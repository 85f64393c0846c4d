package io.stageflow.templates;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.customers.Customer;

import org.springframework.stereotype.Component;

/**
 * The documented context every template sees ({@code $customer}, {@code $brand}, {@code $journey},
 * {@code $links}, and for a journey's email {@code $event}), built in one place so that a preview renders exactly what
 * delivery would send. {@code $journey} holds the journey's key and the variables its {@code templateVariables}
 * process property exposes, as the send step captured them.
 */
@Component
public class TemplateModel {

    /** The id of the made-up customer of a preview with sample traits, and of deploy-time validation. */
    static final String SAMPLE_ID = "sample";
    /**
     * The idempotency key a preview, test send or simulation for a real customer asks the extras with: no email has
     * it, so they give what belongs to the customer (their cart) and nothing that belongs to one email (a coupon).
     */
    static final String PREVIEW_KEY = "preview:no-email";
    /** The address of a sample customer whose traits name none. */
    static final String SAMPLE_EMAIL = "sample@example.com";
    /** The name of the triggering event in the context ({@link TriggeringEvents}). */
    static final String EVENT = "event";

    /**
     * {@code $offer} as deploy-time validation sees it, so that a template for a coupon-bearing send validates;
     * at delivery the real coupon of the send takes its place (see {@link TemplateExtras}).
     */
    static final Map<String, Object> SAMPLE_OFFER = Map.of("code", "SAMP-LE23-4567", "value", "10%",
            "expires", "31 December 2099", "minimumOrder", "", "key", "sample-offer", "description", "10% off");

    private final TemplatesProperties.Brand brand;
    private final List<TemplateLinks> links;
    private final List<TemplateExtras> extras;
    private final List<TriggeringEvents> triggeringEvents;

    TemplateModel(TemplatesProperties properties, List<TemplateLinks> links, List<TemplateExtras> extras,
            List<TriggeringEvents> triggeringEvents) {
        this.brand = properties.brand();
        this.links = List.copyOf(links);
        this.extras = List.copyOf(extras);
        this.triggeringEvents = List.copyOf(triggeringEvents);
    }

    /**
     * The context of the email in outbox row {@code outboxId}, queued under {@code idempotencyKey} by
     * {@code journeyKey} (null outside a journey), to this customer: what delivery renders.
     */
    public Map<String, Object> forDelivery(Customer customer, long outboxId, String journeyKey, String idempotencyKey) {
        return forDeliveries(List.of(new DeliveredEmail(customer, outboxId, journeyKey, idempotencyKey, null, Map.of())))
                .get(0);
    }

    /**
     * {@link #forDelivery} for a wave of emails at once, in their order; the idempotency keys are distinct (one per
     * outbox row). Each feature's entries are read once for all of them, and only when a render (or a reader of the
     * map) first asks for one of that feature's names.
     */
    public List<Map<String, Object>> forDeliveries(List<DeliveredEmail> emails) {
        Map<String, Customer> recipients = new LinkedHashMap<>();
        emails.forEach(email -> recipients.put(email.idempotencyKey(), email.customer()));
        List<WaveModel.Feature> features = extras.stream()
                .map(extra -> new WaveModel.Feature(extra, recipients)).toList();
        Map<String, TriggeringEvents.EmailEvent> withEvents = new LinkedHashMap<>();
        emails.stream().filter(email -> email.eventMessageId() != null).forEach(email -> withEvents.put(
                email.idempotencyKey(), new TriggeringEvents.EmailEvent(email.customer(), email.eventMessageId())));
        List<Map<String, Map<String, Object>>> events = withEvents.isEmpty() ? List.of()
                : triggeringEvents.stream().map(source -> source.forEmails(withEvents)).toList();
        return emails.stream().<Map<String, Object>>map(email -> {
            Map<String, Object> model = assemble(email.customer(), brand, email.journeyKey(),
                    email.journeyVariables(), links(email.customer().email(), email.outboxId()));
            events.forEach(byKey -> {
                Map<String, Object> event = byKey.get(email.idempotencyKey());
                if (event != null) {
                    model.putIfAbsent(EVENT, event);
                }
            });
            return new WaveModel(model, email.idempotencyKey(), features);
        }).toList();
    }

    /**
     * One email delivery renders: the outbox row's id and idempotency key, its journey (or null) and recipient, the
     * messageId of the event that led to it (or null) and the journey variables its step exposed (empty for none).
     */
    public record DeliveredEmail(Customer customer, long outboxId, String journeyKey, String idempotencyKey,
            String eventMessageId, Map<String, Object> journeyVariables) {

        public DeliveredEmail {
            journeyVariables = journeyVariables == null ? Map.of() : journeyVariables;
        }

        /** An email without an event or journey variables (a broadcast's). */
        public DeliveredEmail(Customer customer, long outboxId, String journeyKey, String idempotencyKey) {
            this(customer, outboxId, journeyKey, idempotencyKey, null, Map.of());
        }
    }

    /**
     * A made-up customer (sample traits) gets the extras' samples, such as a sample {@code $offer} and {@code $cart};
     * a real customer gets what delivery would give an email to them without a coupon (their own cart and latest
     * order), so that a preview stays exactly what delivery sends. Templates that need {@code $offer} are previewed
     * with sample traits.
     */
    private Map<String, Object> withPreviewExtras(Customer customer, Map<String, Object> model) {
        if (SAMPLE_ID.equals(customer.id())) {
            triggeringEvents.forEach(events -> model.putIfAbsent(EVENT, events.forPreview(customer)));
            extras.forEach(extra -> extra.forPreview(customer).forEach(model::putIfAbsent));
        } else {
            withCustomersOwnExtras(customer, model);
        }
        return model;
    }

    /** What the extras give any email to this real customer, outside of one particular email. */
    private Map<String, Object> withCustomersOwnExtras(Customer customer, Map<String, Object> model) {
        extras.forEach(extra -> extra.forDeliveries(Map.of(PREVIEW_KEY, customer))
                .getOrDefault(PREVIEW_KEY, Map.of()).forEach(model::putIfAbsent));
        return model;
    }

    /**
     * The context for a preview of an email to this customer, sent by {@code journeyKey} (null outside a
     * journey): as delivered, except that the survey link is a placeholder, since no email exists to answer.
     */
    Map<String, Object> forCustomer(Customer customer, String journeyKey) {
        return withPreviewExtras(customer, assemble(customer, brand, journeyKey, Map.of(),
                links(customer.email(), null)));
    }

    /**
     * The context of an email a journey simulation would send this customer (nothing is sent): as a preview, and
     * when the send would carry a coupon, the extras' sample ({@code $offer} with a sample code) in place of a coupon
     * that was never reserved.
     */
    public Map<String, Object> forSimulation(Customer customer, String journeyKey, boolean withCoupon) {
        Map<String, Object> model = withCustomersOwnExtras(customer,
                assemble(customer, brand, journeyKey, Map.of(), links(customer.email(), null)));
        if (withCoupon) {
            extras.forEach(extra -> extra.forPreview(customer).forEach(model::putIfAbsent));
        }
        return model;
    }

    /**
     * The context of a test send: the customer's content, but with unsubscribe and preference links for the
     * address the test goes to, so that whoever clicks them in the test email acts for themselves, never for
     * the customer.
     */
    Map<String, Object> forTestSend(Customer customer, String journeyKey, String testAddress) {
        return withPreviewExtras(customer, assemble(customer, brand, journeyKey, Map.of(), links(testAddress, null)));
    }

    private Map<String, String> links(String address, Long outboxId) {
        Map<String, String> all = new HashMap<>();
        links.forEach(contribution -> all.putAll(contribution.links(address, outboxId)));
        return all;
    }

    /**
     * A made-up customer from sample traits, for previews: {@code email}, {@code firstName}, {@code locale} and
     * {@code timeZone} become the profile's fields (each may be missing, as in real profiles), everything else
     * its traits. Render it with {@link #forCustomer}, as delivery would.
     */
    static Customer sampleCustomer(Map<String, Object> sampleTraits) {
        Map<String, Object> traits = new LinkedHashMap<>(sampleTraits);
        String email = text(traits.remove("email"));
        String firstName = text(traits.remove("firstName"));
        String locale = text(traits.remove("locale"));
        String timeZone = text(traits.remove("timeZone"));
        return new Customer(SAMPLE_ID, email == null ? SAMPLE_EMAIL : email, firstName,
                locale == null ? "en" : locale, timeZone == null ? "UTC" : timeZone, traits, null, null, null);
    }

    /**
     * The contexts deploy-time validation renders every template with: a customer with no first name and no
     * traits, so that a reference that would fail for a real customer fails there first, once with the extras'
     * samples (a cart of two products, an order) and once with what they give a customer they have nothing on (an
     * empty cart, no order). Links are placeholders.
     */
    static List<Map<String, Object>> validationSamples(TemplatesProperties.Brand brand,
            Collection<TemplateLinks> links, Collection<TemplateExtras> extras,
            Collection<TriggeringEvents> triggeringEvents) {
        Customer sample = new Customer(SAMPLE_ID, SAMPLE_EMAIL, null, "en", "UTC", Map.of(), null, null, null);
        Map<String, String> samples = new HashMap<>();
        links.forEach(contribution -> samples.putAll(contribution.samples()));
        Map<String, Object> withSamples = assemble(sample, brand, "sample-journey", Map.of(), samples);
        withSamples.put("offer", SAMPLE_OFFER);
        Map<String, Object> withoutData = new HashMap<>(withSamples);
        triggeringEvents.forEach(events -> withSamples.putIfAbsent(EVENT, events.forPreview(sample)));
        extras.forEach(extra -> {
            extra.forPreview(sample).forEach(withSamples::putIfAbsent);
            extra.forCustomerWithoutData(sample).forEach(withoutData::putIfAbsent);
        });
        return List.of(withSamples, withoutData);
    }

    private static Map<String, Object> assemble(Customer customer, TemplatesProperties.Brand brand, String journeyKey,
            Map<String, Object> journeyVariables, Map<String, String> links) {
        Map<String, Object> profile = new HashMap<>();
        profile.put("id", customer.id());
        profile.put("email", customer.email());
        profile.put("firstName", customer.firstName());
        profile.put("locale", customer.locale());
        profile.put("timeZone", customer.timeZone());
        profile.put("traits", customer.traits());
        return new HashMap<>(Map.of(
                "customer", profile,
                "brand", Map.of("name", brand.name(), "websiteUrl", brand.websiteUrl(),
                        "postalAddress", brand.postalAddress()),
                "journey", journey(journeyKey, journeyVariables),
                "links", Map.copyOf(links)));
    }

    /** {@code $journey}: the exposed variables and the journey's {@code key}, which no variable can stand in for. */
    private static Map<String, Object> journey(String journeyKey, Map<String, Object> variables) {
        if (journeyKey == null && variables.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> journey = new HashMap<>(variables);
        if (journeyKey != null) {
            journey.put("key", journeyKey);
        } else {
            journey.remove("key");
        }
        return journey;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
