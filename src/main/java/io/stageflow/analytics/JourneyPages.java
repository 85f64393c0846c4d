package io.stageflow.analytics;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.util.List;

import io.stageflow.delivery.ChannelPreviews;
import io.stageflow.experiments.ExperimentAssignments.Experiment;
import io.stageflow.experiments.ExperimentAssignments.Status;
import io.stageflow.experiments.ExperimentResults;
import io.stageflow.journeys.JourneyCatalog;
import io.stageflow.security.Roles;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.InvalidInputException;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

/**
 * The console's journeys (docs/console.md): the list, with each journey's live version, who is in it now and, loaded
 * row by row, how many entered and converted in the period; and each journey's page, its BPMN diagram drawn in the
 * browser with the period's numbers on every step, from the same computation as the analytics API, and the
 * journey's experiments with their figures, which marketers and admins decide or stop there, and its webhook, SMS and
 * WhatsApp steps, whose message marketers, approvers and admins preview there for a customer.
 */
@Controller
@ConsolePage
class JourneyPages {

    private final JourneyCatalog catalog;
    private final JourneyFigures figures;
    private final AnalyticsProperties settings;
    private final Clock clock;
    private final JourneyGuides guides;
    private final ExperimentPanel experiments;
    private final ExperimentResults experimentResults;
    private final ChannelPreviews channelPreviews;

    JourneyPages(JourneyCatalog catalog, JourneyFigures figures, AnalyticsProperties settings, Clock clock,
            JourneyGuides guides, ExperimentPanel experiments, ExperimentResults experimentResults,
            ChannelPreviews channelPreviews) {
        this.catalog = catalog;
        this.channelPreviews = channelPreviews;
        this.guides = guides;
        this.experiments = experiments;
        this.experimentResults = experimentResults;
        this.figures = figures;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping(ConsolePaths.JOURNEYS)
    String journeys(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            Model model) {
        model.addAttribute("period", ConsolePeriod.of(from, to, settings, clock));
        model.addAttribute("journeys", catalog.journeys());
        model.addAttribute("heldBack", catalog.heldBackFiles());
        return "journeys";
    }

    /** One row's figures for the period (htmx loads them into the list, row by row). */
    @GetMapping(ConsolePaths.JOURNEYS + "/{key}/summary")
    String summary(@PathVariable String key, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, Model model) {
        ConsolePeriod period = ConsolePeriod.of(from, to, settings, clock);
        model.addAttribute("report", figures.journey(key, period.from(), period.to(), null));
        return "journeys :: summary";
    }

    @GetMapping(ConsolePaths.JOURNEYS + "/{key}")
    String journey(@PathVariable String key, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) Integer version,
            @RequestParam(required = false) Integer deployed, @RequestParam(required = false) String previewStep,
            @RequestParam(required = false) String previewCustomer, HttpServletRequest request, Model model) {
        JourneyCatalog.Journey journey = catalog.journey(key).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.NOT_FOUND, "No journey " + key + " was ever deployed"));
        List<Integer> versions = catalog.versions(key);
        List<JourneyCatalog.ChannelStep> channelSteps = catalog.channelSteps(key);
        model.addAttribute("channelSteps", channelSteps);
        if (previewStep != null && previewCustomer != null && mayPreview(request)) {
            channelSteps.stream().filter(step -> step.id().equals(previewStep)).findFirst()
                    .ifPresent(step -> preview(step, previewCustomer.strip(), model));
        }
        if (version != null && !versions.contains(version)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Journey " + key + " has no version " + version);
        }
        model.addAttribute("period", ConsolePeriod.of(from, to, settings, clock));
        model.addAttribute("journey", journey);
        model.addAttribute("versions", versions);
        model.addAttribute("history", catalog.versionHistory(key));
        model.addAttribute("deployed", deployed != null && versions.contains(deployed) ? deployed : null);
        model.addAttribute("version", version);
        model.addAttribute("hasGuide", guides.guideOf(key).isPresent());
        model.addAttribute("experiments", experiments.of(key));
        return "journey";
    }

    /** Who may see a channel step's message for a customer: as the preview API, marketers, approvers and admins. */
    private static boolean mayPreview(HttpServletRequest request) {
        return request.isUserInRole(Roles.ADMIN) || request.isUserInRole(Roles.MARKETER)
                || request.isUserInRole(Roles.APPROVER);
    }

    /**
     * The channel step's message as this customer would get it ({@link ChannelPreviews}), or what keeps it from being
     * made, naming the field (the customer, a setting, their phone number).
     */
    private void preview(JourneyCatalog.ChannelStep step, String customerId, Model model) {
        model.addAttribute("previewStep", step.id());
        model.addAttribute("previewCustomer", customerId);
        EmailCategory category = "transactional".equalsIgnoreCase(step.settings().get("category"))
                || "webhook".equals(step.channel()) ? EmailCategory.TRANSACTIONAL : EmailCategory.MARKETING;
        try {
            model.addAttribute("channelPreview", channelPreviews.preview(step.channel(), customerId, step.settings(),
                    category));
        } catch (InvalidInputException e) {
            model.addAttribute("channelPreviewProblems", e.violations());
        }
    }

    /** A marketer decides the journey's experiment for a variant: new entrants outside the holdout take it. */
    @PostMapping(ConsolePaths.JOURNEYS + "/{key}/experiments/{experiment}/decision")
    String decideExperiment(@PathVariable String key, @PathVariable String experiment,
            @RequestParam(required = false) String winner, Principal by, RedirectAttributes flash) {
        return decide(key, experiment, Status.DECIDED, winner, by, flash);
    }

    /** A marketer stops the journey's experiment: with a winner new entrants take it; without, the split goes on. */
    @PostMapping(ConsolePaths.JOURNEYS + "/{key}/experiments/{experiment}/stop")
    String stopExperiment(@PathVariable String key, @PathVariable String experiment,
            @RequestParam(required = false) String winner, Principal by, RedirectAttributes flash) {
        return decide(key, experiment, Status.STOPPED, winner, by, flash);
    }

    private String decide(String key, String experimentKey, Status status, String winner, Principal by,
            RedirectAttributes flash) {
        JourneyCatalog.Journey journey = catalog.journey(key).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.NOT_FOUND, "No journey " + key + " was ever deployed"));
        Experiment experiment = experiments.ofJourney(journey.key(), experimentKey).orElseThrow(
                () -> new ResponseStatusException(HttpStatus.NOT_FOUND, "The journey " + journey.key()
                        + " has no experiment " + experimentKey));
        String page = "redirect:" + ConsolePaths.JOURNEYS + "/" + UriUtils.encodePathSegment(journey.key(),
                StandardCharsets.UTF_8);
        if (status == Status.DECIDED && (winner == null || winner.isBlank())) {
            flash.addFlashAttribute("experimentProblem", "Nothing was decided: choose the variant that won.");
            return page;
        }
        try {
            Experiment now = experimentResults.decideByHand(experiment.key(), status, winner, by.getName())
                    .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                            "No experiment " + experimentKey));
            flash.addFlashAttribute("experimentDone", "Experiment " + now.key() + ": "
                    + ExperimentPanel.statusText(now) + (now.status() == Status.DECIDED
                            ? ". New entrants outside the holdout take " + now.winner() + "." : "."));
        } catch (IllegalArgumentException e) {
            flash.addFlashAttribute("experimentProblem", "Nothing changed: " + e.getMessage() + ".");
        }
        return page;
    }

    /** The catalogue's guide to the journey: what it does, its trigger, its steps and settings. */
    @GetMapping(ConsolePaths.JOURNEYS + "/{key}/guide")
    String guide(@PathVariable String key, Model model) {
        JourneyCatalog.Journey journey = catalog.journey(key).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.NOT_FOUND, "No journey " + key + " was ever deployed"));
        model.addAttribute("journey", journey);
        model.addAttribute("guide", guides.guideOf(key).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.NOT_FOUND, "The journey " + key + " has no guide: only the catalogue's journeys have one")));
        return "journey-guide";
    }

    /** The version's BPMN diagram, for the viewer (null: the live version). */
    @GetMapping(path = ConsolePaths.JOURNEYS + "/{key}/diagram", produces = MediaType.APPLICATION_XML_VALUE)
    @ResponseBody
    ResponseEntity<String> diagram(@PathVariable String key, @RequestParam(required = false) Integer version) {
        return catalog.diagram(key, version).map(xml -> ResponseEntity.ok().contentType(MediaType.APPLICATION_XML)
                .body(xml)).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "Journey " + key + " has no such version"));
    }

    /** The period's figures of the version (null: all versions), exactly as the analytics API reports them. */
    @GetMapping(path = ConsolePaths.JOURNEYS + "/{key}/figures", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    JourneyFigures.JourneyAnalytics figures(@PathVariable String key, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) Integer version) {
        ConsolePeriod period = ConsolePeriod.of(from, to, settings, clock);
        return figures.journey(key, period.from(), period.to(), version == null ? null : version.toString());
    }
}
