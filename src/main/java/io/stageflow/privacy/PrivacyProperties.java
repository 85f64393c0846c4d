package io.stageflow.privacy;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stageflow.privacy.*}: how soon after an erasure the embedded H2 database file is compacted, so that no
 * old copy of the erased data is left in it ({@code compact-after}), and for how long one compaction may hold up
 * writes at most ({@code compact-for}).
 *
 * @param compactAfter how soon after an erasure the embedded database file is compacted
 * @param compactFor   the longest one compaction may hold up writes
 */
@ConfigurationProperties("stageflow.privacy")
record PrivacyProperties(@DefaultValue("PT30S") Duration compactAfter, @DefaultValue("PT20S") Duration compactFor) {
}
