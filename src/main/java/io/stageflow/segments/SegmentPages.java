package io.stageflow.segments;

import java.nio.charset.StandardCharsets;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.stageflow.customers.LifecycleProperties;
import io.stageflow.security.Roles;
import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.FieldViolation;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.util.UriUtils;

/**
 * The console's segments (docs/console.md): the list with each segment's members now, and a rule builder that
 * counts and previews who a rule selects as the marketer edits it, before it is saved. Admins and marketers save
 * and delete segments, as on the API; operators read them. A segment a file (or the configuration) defines is shown
 * read-only with the file that owns it, since only a change there lasts.
 */
@Controller
@ConsolePage
class SegmentPages {

    /** The console's own path for a new segment's builder; a segment keyed {@code new} is refused here. */
    static final String NEW = "new";
    /** How many members the builder's preview lists. */
    static final int PREVIEW = 20;
    /** The longest rule the live count reads, in characters: far above any rule of {@link RuleParser#MAX_CONDITIONS}. */
    static final int MAX_RULE_CHARS = 200_000;

    private final Segments segments;
    private final RuleParser parser;
    private final LifecycleProperties lifecycle;
    private final ObjectMapper json;

    SegmentPages(Segments segments, RuleParser parser, LifecycleProperties lifecycle, ObjectMapper json) {
        this.segments = segments;
        this.parser = parser;
        this.lifecycle = lifecycle;
        this.json = json;
    }

    @GetMapping(ConsolePaths.SEGMENTS)
    String list(@RequestParam(required = false) String deleted, Model model) {
        List<Listed> listed = new ArrayList<>();
        for (StoredSegment segment : segments.list()) {
            listed.add(new Listed(segment, segment.fromFile()));
        }
        model.addAttribute("segments", listed);
        model.addAttribute("deleted", deleted);
        return "segments";
    }

    /**
     * A segment's members now, in the user's locale, for its row of the list: the page loads each row's count after
     * it is shown (htmx), as counting a large segment may take a while.
     */
    @GetMapping(path = ConsolePaths.SEGMENTS + "/{key}/members", produces = MediaType.TEXT_PLAIN_VALUE)
    @ResponseBody
    String members(@PathVariable String key, Locale locale) {
        if (segments.find(key).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No segment '" + key + "'");
        }
        Long count = countOf(key);
        return count == null ? "rule no longer valid" : NumberFormat.getIntegerInstance(locale).format(count);
    }

    @GetMapping(ConsolePaths.SEGMENTS + "/" + NEW)
    String create(HttpServletRequest request, Model model) {
        if (!mayEdit(request)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "Only admins and marketers create segments.");
        }
        ObjectNode rule = json.createObjectNode();
        rule.putArray("all").addObject().put("field", "stage").put("op", "eq").put("value", lifecycle.stages().get(0));
        return page(model, new Form(true, "", "", pretty(rule)), null, true, List.of());
    }

    @GetMapping(ConsolePaths.SEGMENTS + "/{key}")
    String segment(@PathVariable String key, @RequestParam(required = false) String saved, HttpServletRequest request,
            Model model) {
        StoredSegment segment = segments.find(key).orElseThrow(() -> notFound(key));
        model.addAttribute("saved", saved != null);
        return page(model, new Form(false, segment.key(), segment.name(), pretty(segment.rule())), segment,
                mayEdit(request) && !segment.fromFile(), List.of());
    }

    /**
     * Saves the form's segment (key, name, and the rule as JSON, which the builder writes), as the API does; a new
     * segment may not take an existing key, and a bad segment comes back with every problem named.
     */
    @PostMapping(ConsolePaths.SEGMENTS)
    Object save(@RequestParam(defaultValue = "false") boolean created, @RequestParam(defaultValue = "") String key,
            @RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String rule, Model model) {
        Form form = new Form(created, key.strip(), name, rule);
        Optional<StoredSegment> existing = segments.find(form.key());
        List<FieldViolation> problems = new ArrayList<>();
        if (created && NEW.equals(form.key())) {
            problems.add(new FieldViolation("key", "'new' names the console's page for a new segment; choose another key"));
        } else if (created && existing.isPresent()) {
            problems.add(new FieldViolation("key", "a segment '" + form.key() + "' exists already; open it from the list "
                    + "to change it, or choose another key"));
        }
        if (!created && existing.isEmpty()) {
            throw notFound(form.key());
        }
        StoredSegment current = existing.filter(found -> !created).orElse(null);
        if (current != null && current.fromFile()) {
            return invalid(model, form, current, List.of(new FieldViolation("", new SegmentOwnedByFileException(current)
                    .getMessage())));
        }
        ObjectNode body = json.createObjectNode();
        body.put("key", form.key());
        body.put("name", form.name());
        try {
            body.set("rule", json.readTree(form.rule()));
        } catch (JsonProcessingException e) {
            problems.add(new FieldViolation("rule", notJson(e)));
        }
        if (!problems.isEmpty()) {
            return invalid(model, form, current, problems);
        }
        try {
            segments.save(parser.segment(body));
        } catch (InvalidSegmentException e) {
            return invalid(model, form, current, e.violations());
        } catch (SegmentOwnedByFileException e) {
            return invalid(model, form, current, List.of(new FieldViolation("", e.getMessage())));
        }
        return "redirect:" + pathOf(form.key()) + "?saved";
    }

    /** Deletes the segment once the marketer has ticked the confirmation; a file's segment stays. */
    @PostMapping(ConsolePaths.SEGMENTS + "/{key}/delete")
    Object delete(@PathVariable String key, @RequestParam(required = false) String confirm, Model model) {
        StoredSegment segment = segments.find(key).orElseThrow(() -> notFound(key));
        if (segment.fromFile()) {
            return invalid(model, formOf(segment), segment, List.of(new FieldViolation("",
                    new SegmentOwnedByFileException(segment).getMessage())));
        }
        if (!key.equals(confirm)) {
            return invalid(model, formOf(segment), segment, List.of(new FieldViolation("confirm",
                    "must be ticked to delete the segment; nothing was deleted")));
        }
        try {
            segments.delete(key);
        } catch (SegmentOwnedByFileException e) {
            return invalid(model, formOf(segment), segment, List.of(new FieldViolation("", e.getMessage())));
        }
        return "redirect:" + ConsolePaths.SEGMENTS + "?deleted=" + UriUtils.encodeQueryParam(key, StandardCharsets.UTF_8);
    }

    /**
     * The builder's live count: the rule in the body (JSON) is checked as a saved one would be and counted, with the
     * first members by id and stage, and nothing is stored. A bad rule answers 400 with each problem and where.
     */
    @PostMapping(path = ConsolePaths.SEGMENTS + "/count", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> count(@RequestBody(required = false) String body) {
        if (body == null || body.isBlank()) {
            return problems(List.of(new FieldViolation("rule", "is required: a condition, or all, any or not")));
        }
        if (body.length() > MAX_RULE_CHARS) {
            return problems(List.of(new FieldViolation("rule", "is too long; at most " + MAX_RULE_CHARS + " characters")));
        }
        JsonNode rule;
        try {
            rule = json.readTree(body);
        } catch (JsonProcessingException e) {
            return problems(List.of(new FieldViolation("rule", notJson(e))));
        }
        try {
            Segments.Evaluation found = segments.evaluate(rule, PREVIEW);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("count", found.count());
            answer.put("limit", PREVIEW);
            answer.put("customers", found.members());
            return ResponseEntity.ok(answer);
        } catch (InvalidSegmentException e) {
            return problems(e.violations());
        }
    }

    private String page(Model model, Form form, StoredSegment segment, boolean editable, List<FieldViolation> problems) {
        model.addAttribute("form", form);
        model.addAttribute("segment", segment);
        model.addAttribute("fromFile", segment != null && segment.fromFile());
        model.addAttribute("editable", editable);
        model.addAttribute("problems", problems);
        model.addAttribute("builder", builder());
        model.addAttribute("newPath", pathOf(NEW));
        if (segment != null) {
            try {
                model.addAttribute("count", segments.count(segment.key()));
                model.addAttribute("members", segments.preview(segment.key(), PREVIEW));
            } catch (InvalidSegmentException e) {
                model.addAttribute("ruleProblem", describe(e.violations()));
            }
        }
        return "segment";
    }

    private ModelAndView invalid(Model model, Form form, StoredSegment segment, List<FieldViolation> problems) {
        boolean editable = segment == null || !segment.fromFile();
        ModelAndView view = new ModelAndView(page(model, form, segment, editable, problems), model.asMap());
        view.setStatus(HttpStatus.BAD_REQUEST);
        return view;
    }

    private Form formOf(StoredSegment segment) {
        return new Form(false, segment.key(), segment.name(), pretty(segment.rule()));
    }

    /** The segment's members now, or null when its stored rule no longer holds (the stages changed since). */
    private Long countOf(String key) {
        try {
            return segments.count(key);
        } catch (InvalidSegmentException e) {
            return null;
        }
    }

    /** What the builder's script needs to offer: each field with its operators, and the lifecycle's stages. */
    private String builder() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("traits", kind(SegmentField.Kind.TRAIT, "Trait"));
        fields.put("stage", kind(SegmentField.Kind.STAGE, "Lifecycle stage"));
        fields.put("consent.marketing", kind(SegmentField.Kind.CONSENT, "Marketing consent"));
        fields.put("orders.count", kind(SegmentField.Kind.ORDER_COUNT, "Number of orders"));
        fields.put("orders.total", kind(SegmentField.Kind.ORDER_TOTAL, "Order total"));
        fields.put("lastOrder.daysAgo", kind(SegmentField.Kind.LAST_ORDER_DAYS, "Days since the last order"));
        fields.put("events", kind(SegmentField.Kind.EVENT_DAYS, "Days since an event"));
        fields.put("predicted.churnRisk", kind(SegmentField.Kind.PREDICTED, "Churn risk (0 to 1)"));
        fields.put("predicted.aliveProbability", kind(SegmentField.Kind.PREDICTED, "Chance still active (0 to 1)"));
        fields.put("predicted.expectedOrders90d", kind(SegmentField.Kind.PREDICTED, "Orders expected in 90 days"));
        fields.put("predicted.clv", kind(SegmentField.Kind.PREDICTED, "Predicted lifetime value"));
        fields.put("rfm.recency", kind(SegmentField.Kind.RFM, "RFM recency (1 to 5)"));
        fields.put("rfm.frequency", kind(SegmentField.Kind.RFM, "RFM frequency (1 to 5)"));
        fields.put("rfm.monetary", kind(SegmentField.Kind.RFM, "RFM monetary (1 to 5)"));
        try {
            return json.writeValueAsString(Map.of("fields", fields, "stages", lifecycle.stages(),
                    "maxDays", RuleParser.MAX_DAYS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the builder's description cannot be written as JSON", e);
        }
    }

    private static Map<String, Object> kind(SegmentField.Kind kind, String label) {
        return Map.of("label", label, "kind", kind.name(), "ops", java.util.Arrays.stream(Operator.values())
                .filter(kind.operators()::contains).map(Operator::json).toList());
    }

    private String pretty(JsonNode rule) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(rule);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a rule cannot be written as JSON", e);
        }
    }

    private static boolean mayEdit(HttpServletRequest request) {
        return request.isUserInRole(Roles.ADMIN) || request.isUserInRole(Roles.MARKETER);
    }

    private static String notJson(JsonProcessingException e) {
        return e.getLocation() == null ? "is not valid JSON"
                : "is not valid JSON (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                        + "): " + e.getOriginalMessage();
    }

    private static String describe(List<FieldViolation> problems) {
        return String.join("; ", problems.stream().map(p -> (p.field().isEmpty() ? "" : p.field() + " ") + p.message())
                .toList());
    }

    private static ResponseEntity<Map<String, Object>> problems(List<FieldViolation> problems) {
        return ResponseEntity.badRequest().body(Map.of("problems", problems));
    }

    private static String pathOf(String key) {
        return ConsolePaths.SEGMENTS + "/" + UriUtils.encodePathSegment(key, StandardCharsets.UTF_8);
    }

    private static ResponseStatusException notFound(String key) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No segment '" + key + "'");
    }

    /**
     * The segment form as the page shows it: what was typed, so a refused save keeps it.
     *
     * @param created true for a new segment (its key can be chosen), false for a saved one (its key is fixed)
     * @param rule    the rule as JSON text
     */
    record Form(boolean created, String key, String name, String rule) {
    }

    /**
     * One row of the list.
     *
     * @param fromFile whether a segment file (or the configuration) defines it
     * @param count    its members now; null when its stored rule no longer holds
     */
    record Listed(StoredSegment segment, boolean fromFile) {
    }
}
