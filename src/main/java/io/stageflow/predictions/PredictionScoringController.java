package io.stageflow.predictions;

import java.net.URI;

import io.stageflow.jobs.JobStarted;

import org.springframework.batch.core.JobExecution;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Runs the scoring job now (admins and operators); it also runs on its schedule. */
@RestController
class PredictionScoringController {

    private final PredictionScoring scoring;

    PredictionScoringController(PredictionScoring scoring) {
        this.scoring = scoring;
    }

    @PostMapping("/api/v1/jobs/prediction-scoring")
    ResponseEntity<JobStarted> startScoring() {
        JobExecution execution = scoring.startNow();
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + execution.getId()))
                .body(JobStarted.of(execution));
    }
}
