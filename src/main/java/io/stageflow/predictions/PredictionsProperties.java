package io.stageflow.predictions;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The scoring job ({@code stageflow.predictions.*}, docs/predictions.md).
 *
 * @param schedule           when the job runs: a Spring cron expression in {@code zone}; {@code -} turns it off
 * @param zone               the time zone of {@code schedule}
 * @param currency           the currency whose orders are modelled (ISO 4217); other currencies' orders are left out
 * @param clvHorizon         how far ahead the predicted CLV counts expected orders (no discounting)
 * @param sampleSize         at most this many customers (a uniform sample) are used to fit the models; all are scored
 * @param minCustomers       fewer customers with orders than this: RFM only, the model scores are left empty
 * @param chunkSize          customers scored per transaction
 * @param progressLogInterval how often a running job logs its progress
 * @param staleAfter         a running job silent this long counts as abandoned by its node
 */
@Validated
@ConfigurationProperties("stageflow.predictions")
record PredictionsProperties(
        @DefaultValue("0 30 2 * * *") @NotBlank String schedule,
        @DefaultValue("UTC") @NotBlank String zone,
        @DefaultValue("USD") @NotBlank String currency,
        @DefaultValue("P365D") @NotNull Duration clvHorizon,
        @DefaultValue("200000") @Positive int sampleSize,
        @DefaultValue("100") @Positive int minCustomers,
        @DefaultValue("5000") @Positive int chunkSize,
        @DefaultValue("PT10S") @NotNull Duration progressLogInterval,
        @DefaultValue("PT10M") @NotNull Duration staleAfter) {
}
