package io.stageflow.analytics;

import java.util.ArrayList;
import java.util.List;

import io.stageflow.web.Csv;
import io.stageflow.journeys.JourneyReport;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/analytics/journeys/{journey}?from&to[&version]}: how a journey did in a period (docs/analytics.md),
 * as JSON or, with {@code Accept: text/csv}, as one CSV row per step and end event. Marketers, operators and admins.
 */
@RestController
class JourneyAnalyticsController {

    private final JourneyFigures figures;

    JourneyAnalyticsController(JourneyFigures figures) {
        this.figures = figures;
    }

    @GetMapping(path = "/api/v1/analytics/journeys/{journey}", produces = "application/json")
    JourneyFigures.JourneyAnalytics journey(@PathVariable String journey, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String version) {
        return figures.journey(journey, from, to, version);
    }

    @GetMapping(path = "/api/v1/analytics/journeys/{journey}", produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> journeyCsv(@PathVariable String journey, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String version) {
        JourneyFigures.JourneyAnalytics report = journey(journey, from, to, version);
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("journey", "", "", report.entered(), report.converted(), "", report.cancelled()));
        for (JourneyReport.Step step : report.steps()) {
            rows.add(java.util.Arrays.asList("step", step.id(), step.name(), step.reached(), step.completed(),
                    step.waitingNow(), null));
        }
        for (JourneyReport.Exit exit : report.exits()) {
            rows.add(java.util.Arrays.asList(exit.goal() ? "goal" : "end", exit.id(), exit.name(), null, null, null,
                    exit.ended()));
        }
        return Csv.of(journey + "-" + report.from() + "-" + report.to(),
                List.of("kind", "id", "name", "reached_or_entered", "completed_or_converted", "waiting_now",
                        "ended_or_cancelled"), rows);
    }

}
