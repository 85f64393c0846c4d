package io.stageflow.support;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The background fold of {@link Tallies}: every 5 s, and at once again while a fold took a full batch. */
@Configuration(proxyBeanMethods = false)
class TallyConfiguration {

    /** Reports read the ledger too, so this sets the ledger's size, not how fresh a report is. */
    private static final Duration FOLD_EVERY = Duration.ofSeconds(5);

    @Bean
    PollingWorker tallyFoldWorker(Tallies tallies) {
        return new PollingWorker("tally-fold", FOLD_EVERY, tallies::foldOnce);
    }
}
