package io.stageflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobInstance;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.StepExecution;

/**
 * {@link JobProgress} reports what a {@link JobKind} keeps beyond Spring Batch's counters, without knowing the
 * kind, and keeps one JSON shape for every job: the fields of {@code GET /api/v1/jobs/{id}} in their order.
 */
class JobProgressTest {

    private static final ProgressKeys FILE_LIKE = new ProgressKeys("reader.read.count", List.of(
            new ProgressKeys.Count("errors", "errors.count", 0L),
            new ProgressKeys.Count("created", "created.count", null)));

    /** As the application's (spring.jackson.default-property-inclusion: non_null). */
    private final ObjectMapper json = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();

    @Test
    void aKindsCountsAndPositionComeFromItsStepsContexts() {
        JobExecution execution = execution("fileJob", new JobParametersBuilder().addLong(JobProgress.ROWS, 100L).toJobParameters());
        StepExecution step = execution.createStepExecution("step");
        step.setReadCount(40);
        step.setWriteCount(38);
        step.getExecutionContext().putLong("reader.read.count", 41);
        step.getExecutionContext().putLong("errors.count", 2);
        step.getExecutionContext().putLong("created.count", 30);
        step.getExecutionContext().putLong(Outcomes.PREFIX + "queued", 7);

        JobProgress progress = JobProgress.of(execution, Instant.now(), FILE_LIKE);

        assertThat(progress.position()).as("the reader's end-of-file read is not past what was read").isEqualTo(40);
        assertThat(progress.count("errors")).isEqualTo(2);
        assertThat(progress.count("created")).isEqualTo(30);
        assertThat(progress.outcomes()).containsEntry("queued", 7L);
        assertThat(progress.rows()).isEqualTo(100);
    }

    @Test
    void aJobThatKeepsNoneOfTheCountsShowsTheirAbsentValuesInTheSameShape() throws Exception {
        JobExecution execution = execution("otherJob", new JobParameters());
        StepExecution step = execution.createStepExecution("step");
        step.setReadCount(5);
        step.setWriteCount(5);

        JsonNode answer = json.readTree(json.writeValueAsString(JobProgress.of(execution, Instant.now(), FILE_LIKE)));

        List<String> fields = new ArrayList<>();
        answer.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as("null fields are left out, as before").containsExactly("id", "instanceId", "job",
                "status", "exitCode", "position", "resumedAt", "read", "written", "skipped", "errors");
        assertThat(answer.path("errors").isIntegralNumber()).isTrue();
        assertThat(answer.path("errors").asLong()).isZero();

        execution.getStepExecutions().iterator().next().getExecutionContext().putLong("created.count", 3);
        JsonNode withCreated = json.readTree(json.writeValueAsString(JobProgress.of(execution, Instant.now(), FILE_LIKE)));
        List<String> more = new ArrayList<>();
        withCreated.fieldNames().forEachRemaining(more::add);
        assertThat(more).containsSubsequence("skipped", "errors", "created");
        assertThat(withCreated.path("created").asLong()).isEqualTo(3);
        assertThat(answer.path("position").asLong()).as("no position key: what it read").isEqualTo(5);
        assertThat(answer.path("job").asText()).isEqualTo("otherJob");
    }

    @Test
    void theRegistryGivesEveryJobEveryKindsCountsButOnlyItsOwnPosition() {
        JobKinds kinds = new JobKinds(List.of(kind("fileJob", FILE_LIKE, 0), kind("otherJob", ProgressKeys.NONE, 3),
                kind("thirdJob", ProgressKeys.NONE, 1)));

        assertThat(kinds.progressOf("otherJob").position()).isNull();
        assertThat(kinds.progressOf("otherJob").counts()).isEqualTo(FILE_LIKE.counts());
        assertThat(kinds.progressOf("fileJob").position()).isEqualTo("reader.read.count");
        assertThat(kinds.progressOf("unknownJob").counts()).isEqualTo(FILE_LIKE.counts());
        assertThat(kinds.backgroundThreads()).isEqualTo(4);
        assertThat(kinds.find("otherJob")).isPresent();
        assertThat(kinds.find("unknownJob")).isEmpty();
        assertThatThrownBy(() -> new JobKinds(List.of(kind("fileJob", FILE_LIKE, 0), kind("fileJob", FILE_LIKE, 0))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("fileJob");
    }

    private static JobExecution execution(String job, JobParameters parameters) {
        return new JobExecution(new JobInstance(1L, job), 9L, parameters);
    }

    private static JobKind kind(String name, ProgressKeys keys, int threads) {
        return new JobKind() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Duration staleAfter() {
                return Duration.ofMinutes(5);
            }

            @Override
            public JobExecution relaunch(JobParameters parameters, BackgroundJobs background) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int backgroundThreads() {
                return threads;
            }

            @Override
            public ProgressKeys progress() {
                return keys;
            }
        };
    }
}
