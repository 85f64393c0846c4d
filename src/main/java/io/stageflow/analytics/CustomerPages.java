package io.stageflow.analytics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerPrivacy;
import io.stageflow.customers.CustomerService;
import io.stageflow.customers.LifecycleStages;
import io.stageflow.customers.ProfileSection;
import io.stageflow.customers.StageChange;
import io.stageflow.delivery.CustomerMessages;
import io.stageflow.delivery.MessageLogEntry;
import io.stageflow.delivery.SentCopy;
import io.stageflow.events.EventStore;
import io.stageflow.events.StoredEvent;
import io.stageflow.journeys.JourneyCatalog;
import io.stageflow.tracking.EngagementHistory;
import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.SandboxedHtml;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriUtils;

/**
 * The console's customers (docs/console.md): search by id or email, and a customer's page with their profile and
 * timeline, newest first: events, journeys entered and left, stage changes and emails, each email with what became
 * of it, a person's opens and clicks, and why it was sent (the journey, version and step, the event that started the
 * journey, the decisions on the way, and any deferral or suppression). Admins also export and erase a customer
 * there, the erasure only once they have typed the customer's id.
 */
@Controller
@ConsolePage
class CustomerPages {

    /** How much of a long history the page shows: the newest this many of each kind. */
    static final int SHOWN = 200;
    /** An event starts a journey in the router's transaction, a moment after it was received. */
    private static final Duration STARTED_WITHIN = Duration.ofMinutes(10);

    private final CustomerService customers;
    private final LifecycleStages stages;
    private final EventStore events;
    private final CustomerMessages messages;
    private final EngagementHistory engagement;
    private final JourneyCatalog journeys;
    private final CustomerPrivacy privacy;
    private final List<ProfileSection> sections;

    CustomerPages(CustomerService customers, LifecycleStages stages, EventStore events, CustomerMessages messages,
            EngagementHistory engagement, JourneyCatalog journeys, CustomerPrivacy privacy,
            List<ProfileSection> sections) {
        this.customers = customers;
        this.stages = stages;
        this.events = events;
        this.messages = messages;
        this.engagement = engagement;
        this.journeys = journeys;
        this.privacy = privacy;
        this.sections = sections.stream().sorted(Comparator.comparingInt(ProfileSection::order)).toList();
    }

    @GetMapping(ConsolePaths.CUSTOMERS)
    String search(@RequestParam(required = false) String q, @RequestParam(required = false) String erased,
            Model model) {
        List<Customer> found = customers.search(q, 50);
        if (found.size() == 1 && q != null) {
            return "redirect:" + ConsolePaths.CUSTOMERS + "/" + UriUtils.encodePathSegment(found.get(0).id(),
                    StandardCharsets.UTF_8);
        }
        model.addAttribute("erased", erased);
        model.addAttribute("q", q == null ? "" : q);
        model.addAttribute("found", found);
        return "customers";
    }

    /** An admin's download of everything Stageflow keeps about the customer, as the API's export gives it. */
    @GetMapping(path = ConsolePaths.CUSTOMERS + "/{id}/export", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> export(@PathVariable String id) {
        Map<String, Object> data = privacy.export(id).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.NOT_FOUND, "No customer with id " + id));
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                .filename("customer-" + id + ".json").build().toString()).body(data);
    }

    /**
     * An admin erases the customer, as {@code DELETE /api/v1/customers/{id}} does, once they have typed the
     * customer's id to confirm; a wrong confirmation changes nothing and says so.
     */
    @PostMapping(ConsolePaths.CUSTOMERS + "/{id}/erase")
    String erase(@PathVariable String id, @RequestParam(required = false) String confirm) {
        String page = ConsolePaths.CUSTOMERS + "/" + UriUtils.encodePathSegment(id, StandardCharsets.UTF_8);
        if (!id.equals(confirm == null ? null : confirm.strip())) {
            return "redirect:" + page + "?confirm-failed";
        }
        if (!privacy.erase(id)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id " + id);
        }
        return "redirect:" + ConsolePaths.CUSTOMERS + "?erased=" + UriUtils.encodeQueryParam(id,
                StandardCharsets.UTF_8);
    }

    /**
     * One of the customer's emails as it was sent: its subject and text here, its HTML in a sandboxed frame
     * ({@link #sentHtml}); a page saying so when no copy is kept (sent before copies were kept, or longer ago than
     * {@code stageflow.delivery.sent-copies.keep-for}).
     */
    @GetMapping(ConsolePaths.CUSTOMERS + "/{id}/emails/{emailId}")
    String sentEmail(@PathVariable String id, @PathVariable long emailId, Model model) {
        Customer customer = customers.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "No customer with id " + id));
        MessageLogEntry email = messages.of(id).stream().filter(candidate -> candidate.id() == emailId).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No email " + emailId
                        + " of this customer"));
        model.addAttribute("customer", customer);
        model.addAttribute("email", email);
        model.addAttribute("copy", messages.copyOf(id, emailId).orElse(null));
        return "sent-email";
    }

    /** The HTML of the email's copy, for the sandboxed frame of {@link #sentEmail}. */
    @GetMapping(ConsolePaths.CUSTOMERS + "/{id}/emails/{emailId}/html")
    ResponseEntity<String> sentHtml(@PathVariable String id, @PathVariable long emailId) {
        SentCopy copy = messages.copyOf(id, emailId).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.NOT_FOUND, "No copy kept of email " + emailId));
        return SandboxedHtml.of(copy.html());
    }

    @GetMapping(ConsolePaths.CUSTOMERS + "/{id}")
    String customer(@PathVariable String id, @RequestParam(name = "confirm-failed", required = false) String failed,
            Model model) {
        model.addAttribute("confirmFailed", failed != null);
        Customer customer = customers.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "No customer with id " + id));
        List<StoredEvent> theirEvents = events.latestOf(id, SHOWN);
        List<JourneyCatalog.CustomerJourney> theirJourneys = journeys.journeysOf(id, SHOWN);
        Map<Long, EngagementHistory.EmailEngagement> opened = engagement.emailsOf(id);
        List<Entry> timeline = new ArrayList<>();
        for (StoredEvent event : theirEvents) {
            timeline.add(new Entry(event.receivedAt(), "event", "Event " + event.type(),
                    event.messageId() + (event.outcome() == null ? "" : ": " + event.outcome()), List.of(), null,
                    null));
        }
        for (JourneyCatalog.CustomerJourney journey : theirJourneys) {
            timeline.add(new Entry(journey.startedAt(), "journey", "Entered the journey " + journey.name(),
                    "version " + journey.version() + startedBy(journey, theirEvents).map(e -> ", started by the event "
                            + e.type() + " (" + e.messageId() + ")").orElse(""), List.of(), null, null));
            if (journey.endedAt() != null) {
                timeline.add(new Entry(journey.endedAt(), "journey", "Left the journey " + journey.name(),
                        journey.endStep() == null ? "cancelled" : "at " + journey.endStep(), List.of(), null, null));
            }
        }
        for (StageChange change : stages.history(id)) {
            timeline.add(new Entry(change.changedAt(), "stage", "Stage " + (change.fromStage() == null ? ""
                    : change.fromStage() + " → ") + change.toStage(), change.cause(), List.of(), null, null));
        }
        for (MessageLogEntry email : messages.of(id)) {
            boolean isEmail = "email".equals(email.channel());
            String title = isEmail ? "Email " + email.template()
                    : CHANNEL_TITLES.getOrDefault(email.channel(), email.channel()) + " "
                    + email.template().substring(email.template().indexOf(':') + 1);
            timeline.add(new Entry(email.sentAt() != null ? email.sentAt() : email.queuedAt(), email.channel(),
                    title + " " + email.status(),
                    email.subject() == null ? "" : email.subject(), why(email, theirJourneys, theirEvents), email,
                    opened.get(email.id())));
        }
        timeline.sort(Comparator.comparing(Entry::at).reversed());
        model.addAttribute("customer", customer);
        model.addAttribute("stage", stages.stageOf(id).orElse(null));
        model.addAttribute("orders", stages.ordersOf(id).orElse(null));
        model.addAttribute("timeline", timeline);
        model.addAttribute("sections", sections.stream().map(section -> new Section(section.title(),
                section.linesOf(id))).toList());
        return "customer";
    }

    /** How the timeline names a message of a channel other than email. */
    private static final Map<String, String> CHANNEL_TITLES = Map.of("webhook", "Webhook", "sms", "SMS",
            "whatsapp", "WhatsApp");

    /** Why the email was sent: who sent it, what started that, what was decided on the way, what delivery did. */
    private static List<String> why(MessageLogEntry email, List<JourneyCatalog.CustomerJourney> journeys,
            List<StoredEvent> events) {
        List<String> why = new ArrayList<>();
        Optional<JourneyCatalog.CustomerJourney> journey = journeys.stream()
                .filter(candidate -> candidate.instanceId().equals(email.journeyInstanceId())).findFirst();
        if (email.journey() == null) {
            why.add("Sent by a broadcast or an API call, not by a journey (category " + email.category() + ").");
        } else if (journey.isEmpty()) {
            why.add("Sent by the journey " + email.journey() + ", step " + email.step() + ".");
        } else {
            JourneyCatalog.CustomerJourney sender = journey.get();
            String step = sender.steps().stream().filter(passed -> passed.id().equals(email.step()))
                    .map(JourneyCatalog.Passed::name).findFirst().orElse(email.step());
            why.add("Sent by the journey " + sender.name() + " (version " + sender.version() + "), step \""
                    + step + "\".");
            startedBy(sender, events).ifPresentOrElse(
                    event -> why.add("The journey started on the event " + event.type() + " (" + event.messageId()
                            + "), received " + event.receivedAt() + "."),
                    () -> why.add("The journey started " + sender.startedAt() + "."));
            List<String> before = sender.steps().stream().filter(passed -> !passed.at().isAfter(email.queuedAt()))
                    .map(JourneyCatalog.Passed::name).toList();
            if (!before.isEmpty()) {
                why.add("Its way to the email: " + String.join(" → ", before) + ".");
            }
            sender.decisions().stream().filter(decision -> !decision.at().isAfter(email.queuedAt()))
                    .forEach(decision -> why.add("Decided by " + (decision.name() == null ? decision.key()
                            : decision.name()) + ": " + decision.result() + "."));
        }
        if (email.reason() != null && !email.reason().isBlank()) {
            why.add("Delivery: " + email.status() + ", " + email.reason() + ".");
        }
        return why;
    }

    /** The event that started the journey: the last one of the customer the router says started it, before it did. */
    private static Optional<StoredEvent> startedBy(JourneyCatalog.CustomerJourney journey, List<StoredEvent> events) {
        return events.stream()
                .filter(event -> event.outcome() != null && event.outcome().startsWith("Started ")
                        && List.of(event.outcome().substring("Started ".length()).split("[;,]\\s*"))
                                .contains(journey.key()))
                .filter(event -> !event.receivedAt().isAfter(journey.startedAt())
                        && event.receivedAt().isAfter(journey.startedAt().minus(STARTED_WITHIN)))
                .findFirst();
    }

    /** One feature's part of the profile (coupons, referrals). */
    record Section(String title, List<ProfileSection.Line> lines) {
    }

    /**
     * One line of the timeline.
     *
     * @param kind       event, journey, stage or email
     * @param why        for an email, why it was sent
     * @param email      for an email, the email
     * @param engagement for a tracked email, a person's opens and clicks; null otherwise
     */
    record Entry(Instant at, String kind, String title, String detail, List<String> why, MessageLogEntry email,
            EngagementHistory.EmailEngagement engagement) {

        private static final java.time.format.DateTimeFormatter WHEN = java.time.format.DateTimeFormatter
                .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);

        /** When, as the page shows it. */
        public String when() {
            return WHEN.format(at);
        }
    }
}
