package io.stageflow.inactivity;

import java.time.Duration;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
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
 * {@code trigger} says what makes a customer inactive: {@code days} without an order (the default), or
 * {@code churn-risk}, a predicted churn risk above {@code churn-risk-threshold} (docs/predictions.md; a customer
 * without a score is then never picked).
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
        @DefaultValue("PT5M") @NotNull Duration staleAfter,
        @DefaultValue("days") @NotNull Trigger trigger,
        @DefaultValue("0.7") @DecimalMin("0") @DecimalMax("1") double churnRiskThreshold) {

    /** What makes a customer inactive: days without an order, or a predicted churn risk above the threshold. */
    enum Trigger {
        DAYS, CHURN_RISK
    }
}
