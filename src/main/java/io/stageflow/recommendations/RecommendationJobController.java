package io.stageflow.recommendations;

import java.net.URI;

import io.stageflow.jobs.JobStarted;

import org.springframework.batch.core.JobExecution;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Runs the recommendation job now (admins and operators); it also runs on its schedule. */
@RestController
class RecommendationJobController {

    private final RecommendationRuns runs;

    RecommendationJobController(RecommendationRuns runs) {
        this.runs = runs;
    }

    @PostMapping("/api/v1/jobs/recommendations")
    ResponseEntity<JobStarted> startRecommendations() {
        JobExecution execution = runs.startNow();
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + execution.getId()))
                .body(JobStarted.of(execution));
    }
}
