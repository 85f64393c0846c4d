package io.stageflow.journeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;

/**
 * Simulating a journey version before it goes live (docs/api.md): start a simulation over the stored events of the
 * last days (a deployed version, or an uploaded BPMN file), follow it, cancel it, read a customer's trace, and try
 * the journey on one customer with time fast-forwarded. Marketers and admins simulate; operators may read.
 */
@RestController
@RequestMapping("/api/v1/journeys/{key}")
class JourneySimulationController {

    private final JourneyCatalog catalog;
    private final JourneySimulations simulations;

    JourneySimulationController(JourneyCatalog catalog, JourneySimulations simulations) {
        this.catalog = catalog;
        this.simulations = simulations;
    }

    /** The JSON body of a simulation of a deployed version (null: the latest). */
    record SimulationBody(Integer version, Integer days, Integer sample) {
    }

    /** The body of "try it on one customer". */
    record TryBody(String customerId, Integer version, Integer days, Map<String, Object> properties) {
    }

    @PostMapping(path = "/simulations", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JourneySimulations.Simulation> start(@PathVariable String key, @RequestBody SimulationBody body,
            Authentication requester) {
        journey(key);
        return started(key, simulations.start(key, new JourneySimulations.Request(body.version(), null, null,
                body.days(), body.sample()), requester.getName()));
    }

    @PostMapping(path = "/simulations", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<JourneySimulations.Simulation> startWithFile(@PathVariable String key,
            @RequestPart("file") MultipartFile file, @RequestParam(required = false) Integer days,
            @RequestParam(required = false) Integer sample, Authentication requester) {
        journey(key);
        try {
            return started(key, simulations.start(key, new JourneySimulations.Request(null,
                    file.getOriginalFilename(), file.getBytes(), days, sample), requester.getName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ResponseEntity<JourneySimulations.Simulation> started(String key,
            JourneySimulations.Simulation simulation) {
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/journeys/" + key + "/simulations/" + simulation.id()))
                .body(simulation);
    }

    @GetMapping("/simulations")
    List<JourneySimulations.Simulation> list(@PathVariable String key) {
        journey(key);
        return simulations.recent(key, 20).stream().map(JourneySimulationController::withoutReport).toList();
    }

    private static JourneySimulations.Simulation withoutReport(JourneySimulations.Simulation s) {
        return new JourneySimulations.Simulation(s.id(), s.journeyKey(), s.version(), s.fileName(), s.days(),
                s.sample(), s.from(), s.to(), s.status(), s.progressPercent(), s.eventsRead(), s.eventsTotal(),
                s.startedBy(), s.startedAt(), s.finishedAt(), s.problem(), null);
    }

    @GetMapping("/simulations/{id}")
    JourneySimulations.Simulation one(@PathVariable String key, @PathVariable String id) {
        journey(key);
        return simulations.find(key, id).orElseThrow(() -> notFound(key, id));
    }

    @PostMapping("/simulations/{id}/cancel")
    ResponseEntity<JourneySimulations.Simulation> cancel(@PathVariable String key, @PathVariable String id) {
        journey(key);
        JourneySimulations.Simulation simulation = simulations.find(key, id).orElseThrow(() -> notFound(key, id));
        if (!simulations.cancel(key, id)) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "Simulation " + id + " is " + simulation.status()
                    + (simulation.finished() ? "" : " on another node") + ": nothing to cancel here");
        }
        return ResponseEntity.accepted().body(simulations.find(key, id).orElseThrow());
    }

    @GetMapping("/simulations/{id}/customers/{customerId}")
    SimulationTrace trace(@PathVariable String key, @PathVariable String id, @PathVariable String customerId) {
        journey(key);
        return simulations.trace(key, id, customerId).orElseThrow(() -> notFound(key, id));
    }

    @PostMapping(path = "/try", consumes = MediaType.APPLICATION_JSON_VALUE)
    JourneySimulations.TryResult tryOn(@PathVariable String key, @RequestBody TryBody body) {
        journey(key);
        return simulations.tryOn(key, body.version(), body.customerId(), body.days(), body.properties());
    }

    private static ResponseStatusException notFound(String key, String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "Journey " + key + " has no simulation " + id);
    }

    private void journey(String key) {
        if (catalog.journey(key).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No journey " + key + " was ever deployed");
        }
    }
}
