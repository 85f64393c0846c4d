package io.stageflow.jobs;

import org.springframework.batch.core.JobExecution;

/** The answer to a launch, a stop or a restart: the job's id, and where to follow it. */
public record JobStarted(long id, String job, String status, Long rows, String progress) {

    public static JobStarted of(JobExecution execution) {
        return new JobStarted(execution.getId(), execution.getJobInstance().getJobName(),
                execution.getStatus().name(), execution.getJobParameters().getLong(JobProgress.ROWS),
                "/api/v1/jobs/" + execution.getId());
    }
}
