package io.stageflow.predictions;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.DoubleStream;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The scoring job's first step: one pass over the ledger's aggregation collects every customer's RFM values (for
 * the quintile boundaries) and a uniform sample of at most {@code sample-size} histories (reservoir sampling,
 * seeded by the scoring instant so a re-run fits the same), fits BG/NBD and Gamma-Gamma to the sample, and stores
 * what it found in {@code sf_prediction_parameter} (in the step's transaction).
 */
final class ModelFitting implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(ModelFitting.class);

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final PredictionsProperties properties;
    private final Instant asOf;

    ModelFitting(DataSource dataSource, JdbcClient jdbc, PredictionsProperties properties, Instant asOf) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.properties = properties;
        this.asOf = asOf;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        long started = System.nanoTime();
        DoubleStream.Builder recency = DoubleStream.builder();
        DoubleStream.Builder frequency = DoubleStream.builder();
        DoubleStream.Builder monetary = DoubleStream.builder();
        int size = properties.sampleSize();
        List<LedgerRow> sample = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(asOf.toEpochMilli());
        long[] seen = {0};
        JdbcTemplate streaming = new JdbcTemplate(dataSource);
        streaming.setFetchSize(LedgerStreaming.fetchSize(dataSource));
        streaming.query(LedgerRow.AGGREGATION, rs -> {
            LedgerRow row = LedgerRow.map(rs, 0);
            recency.add(-row.daysSinceLast(asOf));
            frequency.add(row.orders());
            monetary.add(row.totalCents());
            long n = seen[0]++;
            if (n < size) {
                sample.add(row);
            } else {
                long slot = random.nextLong(n + 1);
                if (slot < size) {
                    sample.set((int) slot, row);
                }
            }
        }, properties.currency(), Timestamp.from(asOf));
        long customers = seen[0];
        contribution.incrementReadCount();

        BgNbd bgNbd = null;
        GammaGamma gammaGamma = null;
        if (customers >= properties.minCustomers()) {
            List<CustomerHistory> histories = sample.stream().map(row -> row.history(asOf)).toList();
            bgNbd = BgNbd.fit(histories);
            List<GammaGamma.Spend> spends = histories.stream()
                    .map(h -> new GammaGamma.Spend(h.x() + 1, h.meanSpend())).toList();
            if (spends.stream().anyMatch(s -> s.orders() >= 2 && s.mean() > 0)) {
                gammaGamma = GammaGamma.fit(spends, 2);
            }
        }
        FittedModels models = new FittedModels(bgNbd, gammaGamma, FittedModels.boundaries(sorted(recency)),
                FittedModels.boundaries(sorted(frequency)), FittedModels.boundaries(sorted(monetary)), customers);
        models.save(jdbc, asOf);
        log.info("Predictions: {} customers with {} orders, fitted on {} in {} ms: {}, {}", customers,
                properties.currency(), sample.size(), (System.nanoTime() - started) / 1_000_000, bgNbd, gammaGamma);
        return RepeatStatus.FINISHED;
    }

    private static double[] sorted(DoubleStream.Builder values) {
        double[] array = values.build().toArray();
        Arrays.sort(array);
        return array;
    }
}
