package io.stageflow.broadcasts;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import io.stageflow.jobs.BackgroundJobs;
import io.stageflow.jobs.JobProgress;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.segments.Segments;
import io.stageflow.web.InvalidInputException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/** Starts broadcasts: one template to every customer of a segment, through the outbox. */
@Service
class Broadcasts {

    private static final Logger log = LoggerFactory.getLogger(Broadcasts.class);
    static final String ID_PATTERN = "[a-z0-9][a-z0-9-]{0,63}";

    private final Job job;
    private final BackgroundJobs jobs;
    private final JobExplorer explorer;
    private final Segments segments;
    private final TemplateRenderer templates;
    private final BroadcastProperties properties;
    private final ObjectMapper json;
    private final Clock clock;

    Broadcasts(@Qualifier("broadcastJob") Job job, BackgroundJobs jobs, JobExplorer explorer, Segments segments,
            TemplateRenderer templates, BroadcastProperties properties, ObjectMapper json, Clock clock) {
        this.job = job;
        this.jobs = jobs;
        this.explorer = explorer;
        this.segments = segments;
        this.templates = templates;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    /** Checks the request and starts the broadcast in the background. */
    JobExecution start(BroadcastRequest request) {
        return launch(checked(request));
    }

    /**
     * The request as it will be sent, or an {@link InvalidInputException} naming the bad field: the segment and the
     * template must exist (and the template render), the category be marketing or transactional, the name at most
     * 200 characters, and the id (a new random one when absent) spelled as {@link #ID_PATTERN} says.
     */
    BroadcastRequest checked(BroadcastRequest request) {
        if (request.segment() == null || request.segment().isBlank()) {
            throw new InvalidInputException("segment", "is required");
        }
        if (!segments.exists(request.segment())) {
            throw new InvalidInputException("segment", "names no segment");
        }
        if (request.template() == null || request.template().isBlank()) {
            throw new InvalidInputException("template", "is required");
        }
        String problem = templates.problemWith(request.template());
        if (problem != null) {
            throw new InvalidInputException("template", "cannot be sent: " + problem);
        }
        EmailCategory category = category(request.category());
        if (request.name() != null && request.name().length() > 200) {
            throw new InvalidInputException("name", "must be at most 200 characters");
        }
        String id = request.id() == null ? UUID.randomUUID().toString() : request.id();
        if (!id.matches(ID_PATTERN)) {
            throw new InvalidInputException("id", "must be 1 to 64 lower-case letters, digits and -, starting with a letter or digit");
        }
        return new BroadcastRequest(id, request.segment(), request.template(), category.name().toLowerCase(Locale.ROOT),
                request.name() == null || request.name().isBlank() ? null : request.name().strip());
    }

    /**
     * Counts the segment by splitting it into the job's partitions, one read of the customers that the job's
     * manager then need not make again: the broadcast goes to the members of these ranges as their turn comes.
     */
    private JobExecution launch(BroadcastRequest request) {
        EmailCategory category = category(request.category());
        String id = request.id();
        Segments.IdRanges split = segments.split(request.segment(), properties.partitions());
        long members = split.members();
        JobParametersBuilder parameters = new JobParametersBuilder();
        String ranges = write(split);
        if (ranges.length() <= BroadcastJobConfiguration.RANGES_MAX_LENGTH) {
            parameters.addString(BroadcastJobConfiguration.RANGES, ranges, false);
        }
        JobExecution execution = jobs.launch(job, parameters
                .addString(BroadcastJobConfiguration.BROADCAST, id, true)
                .addString(BroadcastJobConfiguration.SEGMENT, request.segment(), true)
                .addString(BroadcastJobConfiguration.TEMPLATE, request.template(), true)
                .addString(BroadcastJobConfiguration.CATEGORY, category.name(), true)
                .addString(BroadcastJobConfiguration.REQUESTED_AT, clock.instant().toString(), true)
                .addString(BroadcastJobConfiguration.NAME, request.name() == null ? "" : request.name(), false)
                .addLong(JobProgress.ROWS, members, false)
                .toJobParameters());
        log.info("Broadcast {} (job {}) started: template {} to segment {} ({} customers, {})", id, execution.getId(),
                request.template(), request.segment(), members, category);
        return execution;
    }

    private String write(Segments.IdRanges split) {
        try {
            return json.writeValueAsString(split);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A segment's split cannot be written as JSON", e);
        }
    }

    /** A broadcast's job execution, or empty for an unknown id or another job's execution. */
    Optional<JobExecution> find(long executionId) {
        return Optional.ofNullable(explorer.getJobExecution(executionId))
                .filter(execution -> BroadcastJobConfiguration.JOB.equals(execution.getJobInstance().getJobName()));
    }

    private static EmailCategory category(String category) {
        if (category == null) {
            return EmailCategory.MARKETING;
        }
        try {
            return EmailCategory.valueOf(category.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("category", "must be marketing or transactional");
        }
    }

    /**
     * What a marketer posts: the segment, the template, the category ({@code marketing}, the default, or
     * {@code transactional}), a name for people, and optionally the broadcast's own id: posting the same id again
     * queues nothing for customers it already queued for.
     */
    record BroadcastRequest(String id, String segment, String template, String category, String name) {
    }
}
