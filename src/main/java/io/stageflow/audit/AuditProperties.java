package io.stageflow.audit;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stageflow.audit.*}: how many entries one page of {@code GET /api/v1/audit} holds unless the caller asks
 * for fewer or more ({@code page-size}, at most {@code max-page-size}), and how many one CSV export may hold
 * ({@code export-limit}; a longer period is refused, naming it, rather than cut short in silence).
 *
 * @param pageSize    entries per page when the caller names no {@code limit}
 * @param maxPageSize the largest {@code limit} a caller may ask for
 * @param exportLimit the most entries one CSV export holds
 */
@Validated
@ConfigurationProperties("stageflow.audit")
record AuditProperties(@DefaultValue("100") @Min(1) int pageSize, @DefaultValue("1000") @Min(1) int maxPageSize,
        @DefaultValue("100000") @Min(1) @Max(10_000_000) int exportLimit) {
}
