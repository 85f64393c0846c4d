package io.stageflow.jobs;

import java.net.URI;
import java.util.Optional;

import org.springframework.batch.core.JobExecution;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;

/**
 * The one implementation of a job's progress, stop and restart endpoints ({@code GET /{id}},
 * {@code POST /{id}/stop}, {@code POST /{id}/restart}), for every path that offers them: {@code /api/v1/jobs} for
 * any job, and a feature's own path for its jobs ({@code /api/v1/broadcasts}). A controller extends it with its
 * {@code @RequestMapping}, says which jobs it answers for, and how its answer reads.
 *
 * @param <T> the answer to a stop or a restart
 */
public abstract class JobEndpoints<T> {

    private final JobControl jobs;
    private final String path;

    /** @param path the controller's own path, for the {@code Location} of a restarted job */
    protected JobEndpoints(JobControl jobs, String path) {
        this.jobs = jobs;
        this.path = path;
    }

    /** The execution of a job this path answers for, or empty (a {@code 404}). */
    protected abstract Optional<JobExecution> find(long id);

    /** The {@code 404}'s reason for an id this path does not answer for. */
    protected abstract String notFound(long id);

    /** The answer to a stop or a restart. */
    protected abstract T answer(JobExecution execution);

    @GetMapping("/{id}")
    public JobProgress progress(@PathVariable long id) {
        return jobs.progress(execution(id));
    }

    @PostMapping("/{id}/stop")
    public ResponseEntity<T> stop(@PathVariable long id) {
        return ResponseEntity.accepted().body(answer(jobs.stop(execution(id))));
    }

    @PostMapping("/{id}/restart")
    public ResponseEntity<T> restart(@PathVariable long id) {
        JobExecution again = jobs.restart(execution(id));
        return ResponseEntity.accepted().location(URI.create(path + "/" + again.getId())).body(answer(again));
    }

    private JobExecution execution(long id) {
        return find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, notFound(id)));
    }
}
