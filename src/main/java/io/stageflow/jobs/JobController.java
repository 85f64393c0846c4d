package io.stageflow.jobs;

import java.util.Optional;

import org.springframework.batch.core.JobExecution;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Where any batch job stands (imports, scans, broadcasts), and stopping or restarting it, for admins and operators. */
@RestController
@RequestMapping(JobController.PATH)
class JobController extends JobEndpoints<JobStarted> {

    static final String PATH = "/api/v1/jobs";

    private final JobControl jobs;

    JobController(JobControl jobs) {
        super(jobs, PATH);
        this.jobs = jobs;
    }

    @Override
    protected Optional<JobExecution> find(long id) {
        return jobs.find(id);
    }

    @Override
    protected String notFound(long id) {
        return "No job with id " + id;
    }

    @Override
    protected JobStarted answer(JobExecution execution) {
        return JobStarted.of(execution);
    }
}
