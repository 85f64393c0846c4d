package io.stageflow.jobs;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * One answer, from every job endpoint (jobs, imports, scans, broadcasts), to a request the job is in no state
 * for: {@code 409} with the reason, so the same refusal reads the same wherever it is asked. It answers for every
 * Stageflow controller, as those endpoints live in their features' packages; only jobs throw these exceptions.
 */
@RestControllerAdvice(basePackages = "io.stageflow")
class JobProblems {

    @ExceptionHandler(JobRestarts.JobStateException.class)
    ProblemDetail notNow(JobRestarts.JobStateException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Not possible in the job's current state");
        return problem;
    }

    /** The one running execution is named, so a caller (a second node's operator) can follow it instead. */
    @ExceptionHandler(ExclusiveLaunches.AlreadyRunningException.class)
    ProblemDetail alreadyRunning(ExclusiveLaunches.AlreadyRunningException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Running already");
        problem.setProperty("jobId", e.jobId());
        problem.setProperty("progress", "/api/v1/jobs/" + e.jobId());
        return problem;
    }

    @ExceptionHandler(BackgroundJobs.AlreadyLaunchedException.class)
    ProblemDetail alreadyLaunched(BackgroundJobs.AlreadyLaunchedException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }
}
