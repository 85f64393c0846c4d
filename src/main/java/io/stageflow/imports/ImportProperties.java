package io.stageflow.imports;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How imports run ({@code stageflow.imports.*}, docs/import.md): rows per transaction ({@code chunk-size}), where uploaded files and their error reports
 * are kept ({@code dir}), how often a running import logs its progress, how many imports run at once on a node,
 * and after how long without a committed chunk an unfinished import counts as abandoned (its node died), so that
 * it may be restarted. {@code file} names a CSV file to import from the command line (see docs/import.md), and
 * {@code kind} what it holds: {@code customers} (when left out) or {@code products}.
 */
@Validated
@ConfigurationProperties("stageflow.imports")
record ImportProperties(
        @DefaultValue("1000") @Positive int chunkSize,
        @DefaultValue("var/imports") Path dir,
        @DefaultValue("PT10S") Duration progressLogInterval,
        @DefaultValue("2") @Positive int concurrentJobs,
        @DefaultValue("PT10M") Duration staleAfter,
        Path file,
        String kind) {
}
