package io.stageflow.broadcasts;

import java.security.Principal;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.stageflow.jobs.JobControl;
import io.stageflow.jobs.JobRestarts;
import io.stageflow.segments.Segments;
import io.stageflow.support.Redaction;
import io.stageflow.templates.TemplatePreview;
import io.stageflow.templates.TemplatePreviews;
import io.stageflow.templates.TemplateRecipient;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.templates.TestSender;
import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;
import io.stageflow.web.SandboxedHtml;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.batch.core.JobExecution;
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
 * The console's broadcasts (docs/console.md): the scheduled ones (with a Cancel button) and the recent ones with
 * their figures; a form to compose one (segment, template, category, name), preview it for a real member of the
 * segment, mail a test of it, and start it now or schedule it for a time of the user's own time zone; and each
 * broadcast's page, its progress polled every second until it is done, with Stop and Resume. Admins and marketers.
 */
@Controller
@ConsolePage
class BroadcastPages {

    static final int RECENT = 20;
    /** Times as the page shows them before its script puts them in the user's zone. */
    static final java.time.format.DateTimeFormatter UTC = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Broadcasts broadcasts;
    private final BroadcastSchedule schedule;
    private final BroadcastReports reports;
    private final Segments segments;
    private final TemplateRenderer templates;
    private final TemplatePreviews previews;
    private final TestSender sender;
    private final JobControl jobs;

    BroadcastPages(Broadcasts broadcasts, BroadcastSchedule schedule, BroadcastReports reports, Segments segments,
            TemplateRenderer templates, TemplatePreviews previews, TestSender sender, JobControl jobs) {
        this.broadcasts = broadcasts;
        this.schedule = schedule;
        this.reports = reports;
        this.segments = segments;
        this.templates = templates;
        this.previews = previews;
        this.sender = sender;
        this.jobs = jobs;
    }

    @GetMapping(ConsolePaths.BROADCASTS)
    String list(@RequestParam(required = false) String scheduled, @RequestParam(required = false) String cancelled,
            Model model) {
        if (scheduled != null) {
            model.addAttribute("notice", "Broadcast " + scheduled + " is scheduled.");
        } else if (cancelled != null) {
            model.addAttribute("notice", "Broadcast " + cancelled + " is cancelled: it will not start.");
        }
        return page(model, Compose.empty(), Map.of());
    }

    /** Starts the composed broadcast now ({@code when=now}) or schedules it ({@code when=later}). */
    @PostMapping(ConsolePaths.BROADCASTS)
    String compose(Compose form, Principal user, Model model, HttpServletResponse response) {
        Map<String, String> errors = new LinkedHashMap<>();
        try {
            Broadcasts.BroadcastRequest request = new Broadcasts.BroadcastRequest(null, form.segment(),
                    form.template(), form.category(), form.name());
            if (form.when() == null || !form.when().matches("now|later")) {
                errors.put("when", "choose Start now or Schedule for");
                broadcasts.checked(request);
            } else if ("later".equals(form.when())) {
                java.time.Instant at = form.instant(errors);
                if (errors.isEmpty()) {
                    ScheduledBroadcast scheduled = schedule.schedule(request, at, user.getName());
                    return "redirect:" + ConsolePaths.BROADCASTS + "?scheduled="
                            + UriUtils.encodeQueryParam(scheduled.id(), java.nio.charset.StandardCharsets.UTF_8);
                }
            } else {
                JobExecution execution = broadcasts.start(request);
                return "redirect:" + ConsolePaths.BROADCASTS + "/" + execution.getId();
            }
        } catch (InvalidInputException e) {
            for (FieldViolation violation : e.violations()) {
                errors.putIfAbsent(violation.field().equals("scheduledAt") ? "scheduleFor" : violation.field(),
                        violation.message());
            }
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        return page(model, form, errors);
    }

    @PostMapping(ConsolePaths.BROADCASTS + "/scheduled/{id}/cancel")
    String cancel(@PathVariable String id) {
        schedule.cancel(id);
        return "redirect:" + ConsolePaths.BROADCASTS + "?cancelled="
                + UriUtils.encodeQueryParam(id, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The composed broadcast as the segment's first member would get it: the subject, and the body in a frame. */
    @GetMapping(ConsolePaths.BROADCASTS + "/preview")
    String preview(@RequestParam(required = false) String segment, @RequestParam(required = false) String template,
            Model model) {
        try {
            String member = firstMember(segment, template);
            TemplatePreview preview = previews.preview(template, new Member(member));
            model.addAttribute("member", member);
            model.addAttribute("subject", preview.subject());
            model.addAttribute("frame", ConsolePaths.BROADCASTS + "/preview/frame?segment="
                    + UriUtils.encodeQueryParam(segment, java.nio.charset.StandardCharsets.UTF_8) + "&template="
                    + UriUtils.encodeQueryParam(template, java.nio.charset.StandardCharsets.UTF_8) + "&customer="
                    + UriUtils.encodeQueryParam(member, java.nio.charset.StandardCharsets.UTF_8));
        } catch (InvalidInputException e) {
            model.addAttribute("problem", describe(e));
        } catch (RuntimeException e) {
            model.addAttribute("problem", "No preview: " + Redaction.redact(String.valueOf(e.getMessage())));
        }
        return "broadcasts :: preview";
    }

    /** The preview's HTML, for the sandboxed frame, under a policy of its own ({@link SandboxedHtml}). */
    @GetMapping(path = ConsolePaths.BROADCASTS + "/preview/frame", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> previewFrame(@RequestParam String segment, @RequestParam String template,
            @RequestParam String customer) {
        if (!segments.exists(segment) || !segments.contains(segment, customer)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No such member of segment " + segment);
        }
        TemplatePreview preview = previews.preview(template, new Member(customer));
        return SandboxedHtml.of(preview.html());
    }

    /** Mails the composed broadcast, as the segment's first member would get it, once to the address given. */
    @PostMapping(ConsolePaths.BROADCASTS + "/test-send")
    String testSend(@RequestParam(required = false) String segment, @RequestParam(required = false) String template,
            @RequestParam(required = false) String testTo, Model model) {
        String to = testTo == null ? "" : testTo.strip();
        try {
            if (!to.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+") || to.length() > 320) {
                throw new InvalidInputException("testTo", "must be an email address, such as you@example.com");
            }
            String member = firstMember(segment, template);
            TemplatePreview preview = previews.previewForTestSend(template, new Member(member), to);
            TestSender.Sent sent = sender.send(template, preview, to);
            model.addAttribute("sent", "Test sent to " + to + ": \u201c" + sent.subject() + "\u201d");
        } catch (InvalidInputException e) {
            model.addAttribute("testProblem", describe(e));
        } catch (TestSender.NotSentException e) {
            model.addAttribute("testProblem", e.getMessage());
        } catch (RuntimeException e) {
            model.addAttribute("testProblem", "The test email was not sent: "
                    + Redaction.redact(String.valueOf(e.getMessage())));
        }
        return "broadcasts :: test-result";
    }

    @GetMapping(ConsolePaths.BROADCASTS + "/{executionId:\\d+}")
    String broadcast(@PathVariable long executionId, @RequestParam(required = false) String problem, Model model) {
        model.addAttribute("report", report(executionId));
        model.addAttribute("problem", problem);
        return "broadcast";
    }

    /** The progress fragment, polled every second while the broadcast runs or its emails wait. */
    @GetMapping(ConsolePaths.BROADCASTS + "/{executionId:\\d+}/progress")
    String progress(@PathVariable long executionId, Model model) {
        model.addAttribute("report", report(executionId));
        return "broadcast :: progress";
    }

    @PostMapping(ConsolePaths.BROADCASTS + "/{executionId:\\d+}/stop")
    String stop(@PathVariable long executionId) {
        JobExecution execution = broadcasts.find(executionId).orElseThrow(() -> notFound(executionId));
        try {
            jobs.stop(execution);
        } catch (JobRestarts.JobStateException e) {
            return "redirect:" + ConsolePaths.BROADCASTS + "/" + executionId + "?problem="
                    + UriUtils.encodeQueryParam(e.getMessage(), java.nio.charset.StandardCharsets.UTF_8);
        }
        return "redirect:" + ConsolePaths.BROADCASTS + "/" + executionId;
    }

    @PostMapping(ConsolePaths.BROADCASTS + "/{executionId:\\d+}/resume")
    String resume(@PathVariable long executionId) {
        JobExecution execution = broadcasts.find(executionId).orElseThrow(() -> notFound(executionId));
        try {
            return "redirect:" + ConsolePaths.BROADCASTS + "/" + jobs.restart(execution).getId();
        } catch (JobRestarts.JobStateException e) {
            return "redirect:" + ConsolePaths.BROADCASTS + "/" + executionId + "?problem="
                    + UriUtils.encodeQueryParam(e.getMessage(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private BroadcastReports.BroadcastReport report(long executionId) {
        return reports.find(executionId).orElseThrow(() -> notFound(executionId));
    }

    private static ResponseStatusException notFound(long executionId) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No broadcast job with id " + executionId);
    }

    private String page(Model model, Compose form, Map<String, String> errors) {
        List<SegmentChoice> choices = new ArrayList<>();
        segments.namesByKey().forEach((key, name) -> choices.add(new SegmentChoice(key, name)));
        model.addAttribute("segments", choices);
        model.addAttribute("templates", templates.templateKeys());
        model.addAttribute("scheduled", schedule.list(ScheduledBroadcast.SCHEDULED, 100));
        model.addAttribute("recent", reports.recent(RECENT));
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        return "broadcasts";
    }

    /** The segment's first member, for a preview or a test; an {@link InvalidInputException} naming the field. */
    private String firstMember(String segment, String template) {
        if (segment == null || segment.isBlank() || !segments.exists(segment)) {
            throw new InvalidInputException("segment", "choose a segment");
        }
        if (template == null || template.isBlank()) {
            throw new InvalidInputException("template", "choose a template");
        }
        List<String> first = segments.memberIds(segment, null, null, 1);
        if (first.isEmpty()) {
            throw new InvalidInputException("segment", "has no members to preview for");
        }
        return first.get(0);
    }

    private static String describe(InvalidInputException e) {
        return e.violations().stream().map(v -> LABELS.getOrDefault(v.field(), v.field()) + " " + v.message())
                .reduce((a, b) -> a + "; " + b).orElse("Invalid input");
    }

    /** The form's labels, for messages that name a field. */
    static final Map<String, String> LABELS = Map.of("segment", "Segment", "template", "Template", "category",
            "Category", "name", "Name", "scheduleFor", "Schedule for", "testTo", "Send a test to", "customerId",
            "Member");

    /** A segment to choose, with how many customers are in it now. */
    record SegmentChoice(String key, String name) {
    }

    /** A stored customer, rendered for as delivery would render for them. */
    record Member(String customerId) implements TemplateRecipient {

        @Override
        public Map<String, Object> sampleTraits() {
            return null;
        }

        @Override
        public String locale() {
            return null;
        }

        @Override
        public String journey() {
            return null;
        }
    }

    /**
     * The compose form: {@code when} is {@code now} or {@code later}; {@code scheduleFor} a date and time of day
     * ({@code datetime-local}) in {@code zone}, the browser's time zone, which the page's script fills in.
     */
    record Compose(String segment, String template, String category, String name, String when, String scheduleFor,
            String zone) {

        static Compose empty() {
            return new Compose(null, null, "marketing", null, null, null, null);
        }

        /** The time to start, or null with the reason in {@code errors}. */
        java.time.Instant instant(Map<String, String> errors) {
            if (scheduleFor == null || scheduleFor.isBlank()) {
                errors.put("scheduleFor", "is required to schedule: choose a date and time");
                return null;
            }
            ZoneId zoneId;
            try {
                zoneId = zone == null || zone.isBlank() ? ZoneOffset.UTC : ZoneId.of(zone.strip());
            } catch (DateTimeException e) {
                errors.put("scheduleFor", "cannot be read in the time zone " + zone);
                return null;
            }
            try {
                return LocalDateTime.parse(scheduleFor.strip()).atZone(zoneId).toInstant();
            } catch (DateTimeParseException e) {
                errors.put("scheduleFor", "must be a date and time, such as 2027-01-31T09:00");
                return null;
            }
        }

        /** The zone the form's times are in, as the page says it. */
        public String zoneName() {
            return zone == null || zone.isBlank() ? "UTC" : zone;
        }

        public boolean transactional() {
            return category != null && category.toLowerCase(Locale.ROOT).equals("transactional");
        }
    }
}
