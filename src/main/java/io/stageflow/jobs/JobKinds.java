package io.stageflow.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

/** The job kinds the features registered ({@link JobKind} beans), by job name. */
@Component
class JobKinds {

    private final Map<String, JobKind> byName = new LinkedHashMap<>();
    private final List<ProgressKeys.Count> allCounts = new ArrayList<>();

    JobKinds(List<JobKind> kinds) {
        for (JobKind kind : kinds) {
            if (byName.putIfAbsent(kind.name(), kind) != null) {
                throw new IllegalStateException("Two job kinds for the job " + kind.name());
            }
            for (ProgressKeys.Count count : kind.progress().counts()) {
                if (allCounts.stream().noneMatch(c -> c.field().equals(count.field()))) {
                    allCounts.add(count);
                }
            }
        }
    }

    Optional<JobKind> find(String jobName) {
        return Optional.ofNullable(byName.get(jobName));
    }

    /** Threads {@link BackgroundJobs} needs: what every kind runs there at once, together. */
    int backgroundThreads() {
        return byName.values().stream().mapToInt(JobKind::backgroundThreads).sum();
    }

    /**
     * What {@code GET /api/v1/jobs/{id}} reports for a job of this name: its own kind's position, and the counts of
     * every kind (a count not kept by this job shows its absent value), so every job's answer has the same fields.
     */
    ProgressKeys progressOf(String jobName) {
        Optional<JobKind> kind = find(jobName);
        List<ProgressKeys.Count> own = kind.map(k -> k.progress().counts()).orElse(List.of());
        // Two kinds may keep the same field under keys of their own (the customer and the product import's created).
        List<ProgressKeys.Count> counts = allCounts.stream().map(count -> own.stream()
                .filter(mine -> mine.field().equals(count.field())).findFirst().orElse(count)).toList();
        return new ProgressKeys(kind.map(k -> k.progress().position()).orElse(null), counts);
    }
}
