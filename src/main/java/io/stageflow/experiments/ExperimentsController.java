package io.stageflow.experiments;

import java.security.Principal;
import java.util.List;

import io.stageflow.experiments.ExperimentAssignments.Experiment;
import io.stageflow.experiments.ExperimentAssignments.Status;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Experiments for marketers ({@code /api/v1/experiments}, docs/experiments.md): the experiments the journeys' splits
 * run, each arm's figures with the verdict, and the decisions a marketer takes by hand (a winner, or a stop).
 * Experiments themselves are made in the journey's diagram, never here.
 */
@RestController
class ExperimentsController {

    private final ExperimentResults results;

    ExperimentsController(ExperimentResults results) {
        this.results = results;
    }

    @GetMapping("/api/v1/experiments")
    List<Experiment> list(@RequestParam(required = false) String journey) {
        return results.experiments(journey == null || journey.isBlank() ? null : journey.strip());
    }

    @GetMapping("/api/v1/experiments/{key}")
    ExperimentResults.Results get(@PathVariable String key) {
        return results.results(key).orElseThrow(() -> notFound(key));
    }

    /** The body of a decision: the winner ({@code decision}), or the variant new entrants take after a stop. */
    record Decision(String winner) {
    }

    /** Decides the experiment for {@code winner}: new entrants outside the holdout take it. */
    @PostMapping("/api/v1/experiments/{key}/decision")
    Experiment decide(@PathVariable String key, @RequestBody Decision body, Principal by) {
        if (body == null || body.winner() == null || body.winner().isBlank()) {
            throw new InvalidInputException("winner", "name the variant that won, as the results name it");
        }
        return decide(key, Status.DECIDED, body.winner(), by);
    }

    /** Stops the experiment: with a {@code winner}, new entrants take it; without, they are split by weight. */
    @PostMapping("/api/v1/experiments/{key}/stop")
    Experiment stop(@PathVariable String key, @RequestBody(required = false) Decision body, Principal by) {
        return decide(key, Status.STOPPED, body == null ? null : body.winner(), by);
    }

    private Experiment decide(String key, Status status, String winner, Principal by) {
        try {
            return results.decideByHand(key, status, winner, by == null ? "an unknown user" : by.getName())
                    .orElseThrow(() -> notFound(key));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("winner", e.getMessage());
        }
    }

    private static ResponseStatusException notFound(String key) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "There is no experiment '" + key
                + "': an experiment exists once a customer has passed its split");
    }
}
