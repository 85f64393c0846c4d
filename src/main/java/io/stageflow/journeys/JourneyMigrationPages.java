package io.stageflow.journeys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The console's page for moving a journey's customers to another version (docs/console.md), for marketers and
 * admins: choose the versions, map the steps the new version does not have by the same id (or leave them), preview
 * who can move and why not, move them, and follow each move as the engine's batch runs.
 */
@Controller
@ConsolePage
class JourneyMigrationPages {

    /** Form fields {@code map.<step id of the old version>} name the step of the new version it maps to. */
    static final String MAP_PREFIX = "map.";

    private static final String PAGE = ConsolePaths.JOURNEYS + "/{key}/migrate";

    private final JourneyCatalog catalog;
    private final JourneyMigrations migrations;

    JourneyMigrationPages(JourneyCatalog catalog, JourneyMigrations migrations) {
        this.catalog = catalog;
        this.migrations = migrations;
    }

    @GetMapping(PAGE)
    String page(@PathVariable String key, @RequestParam(required = false) Integer from,
            @RequestParam(required = false) Integer to, @RequestParam(required = false) Long started, Model model) {
        fill(key, from, to, Map.of(), model);
        model.addAttribute("started", started);
        return "journey-migrate";
    }

    /** The preview of the form as it stands (an htmx fragment). */
    @PostMapping(PAGE + "/preview")
    String preview(@PathVariable String key, @RequestParam MultiValueMap<String, String> form, Model model) {
        journey(key);
        try {
            model.addAttribute("preview", migrations.preview(key, request(form)));
        } catch (InvalidInputException refused) {
            model.addAttribute("refused", describe(refused));
        }
        return "journey-migrate :: preview";
    }

    @PostMapping(PAGE)
    String migrate(@PathVariable String key, @RequestParam MultiValueMap<String, String> form, Model model,
            Authentication requester) {
        journey(key);
        JourneyMigrations.Request request = request(form);
        try {
            JourneyMigrations.Migration started = migrations.start(key, request, requester.getName());
            return "redirect:" + ConsolePaths.JOURNEYS + "/" + key + "/migrate?from=" + started.fromVersion() + "&to="
                    + started.toVersion() + "&started=" + started.id();
        } catch (InvalidInputException refused) {
            fill(key, request.fromVersion(), request.toVersion(), request.mappings(), model);
            model.addAttribute("refused", describe(refused));
            return "journey-migrate";
        }
    }

    /** One migration's row, polled while its batch runs. */
    @GetMapping(PAGE + "/{id}/progress")
    String progress(@PathVariable String key, @PathVariable long id, Model model) {
        journey(key);
        model.addAttribute("m", migrations.migration(key, id).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.NOT_FOUND, "Journey " + key + " has no migration " + id)));
        return "journey-migrate :: migration";
    }

    private void fill(String key, Integer from, Integer to, Map<String, String> chosen, Model model) {
        JourneyCatalog.Journey journey = journey(key);
        List<Integer> versions = catalog.versions(key);
        Map<Integer, Long> running = new LinkedHashMap<>();
        versions.forEach(version -> running.put(version, migrations.running(key, version)));
        // By default: from the newest version with customers in it, other than the live one, to the live one.
        int target = to != null && versions.contains(to) ? to : versions.get(0);
        int source = from != null && versions.contains(from) ? from
                : versions.stream().filter(version -> version != target && running.get(version) > 0)
                        .findFirst().orElse(versions.size() > 1 ? versions.get(1) : target);
        List<JourneyMigrations.Step> toSteps = migrations.steps(key, target);
        Set<String> toIds = toSteps.stream().map(JourneyMigrations.Step::id).collect(Collectors.toSet());
        Map<String, String> sameIds = migrations.sameIdMappings(key, source, target);
        // Every step a customer can be at that the engine does not map by itself; one of the same id is offered.
        List<JourneyMigrations.Step> unmatched = migrations.steps(key, source).stream()
                .filter(step -> step.canWait() && !sameIds.containsKey(step.id())).toList();
        Map<String, String> selected = new LinkedHashMap<>();
        unmatched.forEach(step -> {
            String mapped = chosen.containsKey(step.id()) ? chosen.get(step.id())
                    : toIds.contains(step.id()) ? step.id() : null;
            if (mapped != null) {
                selected.put(step.id(), mapped);
            }
        });
        model.addAttribute("journey", journey);
        model.addAttribute("versions", versions);
        model.addAttribute("running", running);
        model.addAttribute("from", source);
        model.addAttribute("to", target);
        model.addAttribute("unmatched", unmatched);
        model.addAttribute("toSteps", toSteps);
        model.addAttribute("chosen", selected);
        model.addAttribute("migrations", migrations.migrations(key));
    }

    private static JourneyMigrations.Request request(MultiValueMap<String, String> form) {
        Map<String, String> mappings = new LinkedHashMap<>();
        form.forEach((name, values) -> {
            if (name.startsWith(MAP_PREFIX) && !values.isEmpty() && values.get(0) != null
                    && !values.get(0).isBlank()) {
                mappings.put(name.substring(MAP_PREFIX.length()), values.get(0));
            }
        });
        return new JourneyMigrations.Request(number(form.getFirst("fromVersion")), number(form.getFirst("toVersion")),
                mappings);
    }

    private static Integer number(String value) {
        try {
            return value == null || value.isBlank() ? null : Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String describe(InvalidInputException refused) {
        return refused.violations().stream().map(violation -> violation.field() + " " + violation.message())
                .collect(Collectors.joining("; "));
    }

    private JourneyCatalog.Journey journey(String key) {
        return catalog.journey(key).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "No journey " + key + " was ever deployed"));
    }
}
