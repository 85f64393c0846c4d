package io.stageflow.journeys;

import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;

import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;

/**
 * The console's page for simulating a journey before it goes live (docs/console.md), for marketers and admins: choose
 * the version and the days, start, follow the progress, cancel, then read the report (the customers reached drawn on
 * the diagram, the emails per template with what pacing would do, the conversions) and any customer's trace with the
 * emails as they would have been rendered.
 */
@Controller
@ConsolePage
class JourneySimulationPages {

    private static final String PAGE = ConsolePaths.JOURNEYS + "/{key}/simulate";

    private final JourneyCatalog catalog;
    private final JourneySimulations simulations;

    JourneySimulationPages(JourneyCatalog catalog, JourneySimulations simulations) {
        this.catalog = catalog;
        this.simulations = simulations;
    }

    @GetMapping(PAGE)
    String page(@PathVariable String key, @RequestParam(required = false) String simulation, Model model) {
        fill(key, model);
        if (simulation != null) {
            model.addAttribute("s", find(key, simulation));
        }
        return "journey-simulate";
    }

    @PostMapping(PAGE)
    String start(@PathVariable String key, @RequestParam(required = false) Integer version,
            @RequestParam(required = false) Integer days, @RequestParam(required = false) Integer sample,
            @RequestParam(required = false) MultipartFile file, Model model, Authentication requester)
            throws IOException {
        journey(key);
        boolean uploaded = file != null && !file.isEmpty();
        try {
            JourneySimulations.Simulation started = simulations.start(key, new JourneySimulations.Request(
                    uploaded ? null : version, uploaded ? file.getOriginalFilename() : null,
                    uploaded ? file.getBytes() : null, days, sample), requester.getName());
            return "redirect:" + ConsolePaths.JOURNEYS + "/" + key + "/simulate?simulation=" + started.id();
        } catch (InvalidInputException refused) {
            fill(key, model);
            model.addAttribute("refused", refused.violations().stream()
                    .map(violation -> violation.field() + " " + violation.message()).collect(Collectors.joining("; ")));
            return "journey-simulate";
        }
    }

    /** The simulation's status block, polled while it runs (an htmx fragment). */
    @GetMapping(PAGE + "/{id}/progress")
    String progress(@PathVariable String key, @PathVariable String id, Model model) {
        journey(key);
        model.addAttribute("s", find(key, id));
        return "journey-simulate :: status";
    }

    @PostMapping(PAGE + "/{id}/cancel")
    String cancel(@PathVariable String key, @PathVariable String id) {
        journey(key);
        find(key, id);
        simulations.cancel(key, id);
        return "redirect:" + ConsolePaths.JOURNEYS + "/" + key + "/simulate?simulation=" + id;
    }

    /** The simulated file, for the diagram. */
    @GetMapping(path = PAGE + "/{id}/bpmn", produces = MediaType.APPLICATION_XML_VALUE)
    @ResponseBody
    ResponseEntity<String> bpmn(@PathVariable String key, @PathVariable String id) {
        journey(key);
        return ResponseEntity.ok(simulations.bpmn(key, id).orElseThrow(() -> notFound(key, id)));
    }

    /** The finished report as JSON, for the figures on the diagram. */
    @GetMapping(path = PAGE + "/{id}/report", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    SimulationReport report(@PathVariable String key, @PathVariable String id) {
        journey(key);
        SimulationReport report = find(key, id).report();
        if (report == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Simulation " + id + " has no report (yet)");
        }
        return report;
    }

    /** One customer's trace (an htmx fragment). */
    @GetMapping(PAGE + "/{id}/customers")
    String trace(@PathVariable String key, @PathVariable String id, @RequestParam String customerId, Model model) {
        journey(key);
        model.addAttribute("trace", simulations.trace(key, id, customerId.strip()).orElseThrow(() -> notFound(key, id)));
        return "journey-simulate :: trace";
    }

    /**
     * "Try it on one customer" (an htmx fragment): the customer enters the version now, time runs fast over the days,
     * and each email shows as it would arrive. A refused request shows what is wrong in the same place.
     */
    @PostMapping(PAGE + "/try")
    String tryOn(@PathVariable String key, @RequestParam(required = false) String customerId,
            @RequestParam(required = false) Integer version, @RequestParam(required = false) Integer days,
            Model model) {
        journey(key);
        try {
            model.addAttribute("trace", simulations.tryOn(key, version, customerId == null ? null : customerId.strip(),
                    days, Map.of()).trace());
        } catch (InvalidInputException refused) {
            model.addAttribute("tryRefused", refused.violations().stream()
                    .map(violation -> violation.field() + " " + violation.message()).collect(Collectors.joining("; ")));
        }
        return "journey-simulate :: tried";
    }

    private void fill(String key, Model model) {
        model.addAttribute("journey", journey(key));
        model.addAttribute("versions", catalog.versions(key));
        model.addAttribute("recent", simulations.recent(key, 10));
    }

    private JourneySimulations.Simulation find(String key, String id) {
        return simulations.find(key, id).orElseThrow(() -> notFound(key, id));
    }

    private static ResponseStatusException notFound(String key, String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "Journey " + key + " has no simulation " + id);
    }

    private JourneyCatalog.Journey journey(String key) {
        return catalog.journey(key).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "No journey " + key + " was ever deployed"));
    }
}
