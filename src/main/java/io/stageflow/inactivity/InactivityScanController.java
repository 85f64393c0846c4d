package io.stageflow.inactivity;

import java.net.URI;

import io.stageflow.jobs.JobStarted;

import org.springframework.batch.core.JobExecution;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Runs the inactivity scan now (admins and operators); it also runs on its schedule. */
@RestController
class InactivityScanController {

    private final InactivityScan scan;

    InactivityScanController(InactivityScan scan) {
        this.scan = scan;
    }

    @PostMapping("/api/v1/jobs/inactivity-scan")
    ResponseEntity<JobStarted> start() {
        JobExecution execution = scan.startNow();
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + execution.getId()))
                .body(JobStarted.of(execution));
    }
}
