package io.stageflow.inactivity;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The inactivity scan ({@code stageflow.inactivity.*}, docs/batch.md): when it runs ({@code cron}, a Spring
 * cron expression in {@code zone}; {@code -} turns the schedule off), after how many days without an order a
 * customer counts as inactive, the first stage it looks at (every later stage but the lapsed one counts too), and
 * how many customers it handles per transaction, and the journey a customer must not be in already (the one the
 * {@code customer_inactive} event starts), how often a running scan logs its progress, and
 * after how long without a commit a running scan counts as abandoned by its node (it may then be restarted).
 */
@Validated
@ConfigurationProperties("stageflow.inactivity")
record InactivityProperties(
        @DefaultValue("0 0 3 * * *") @NotBlank String cron,
        @DefaultValue("UTC") String zone,
        @DefaultValue("60") @Positive int days,
        @DefaultValue("RETENTION") @NotBlank String fromStage,
        @DefaultValue("500") @Positive int chunkSize,
        @DefaultValue("win-back") @NotBlank String journey,
        @DefaultValue("PT10S") @NotNull Duration progressLogInterval,
        @DefaultValue("PT5M") @NotNull Duration staleAfter) {
}
