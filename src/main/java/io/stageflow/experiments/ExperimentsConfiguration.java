package io.stageflow.experiments;

import io.stageflow.support.PollingWorker;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-winner's worker: every {@code stageflow.experiments.decide-every}, the running experiments are looked at. */
@Configuration(proxyBeanMethods = false)
class ExperimentsConfiguration {

    @Bean
    PollingWorker experimentDecider(ExperimentResults results, ExperimentsProperties settings) {
        return new PollingWorker("experiment-decider", settings.decideEvery(), () -> {
            results.decideWinners();
            return false;
        });
    }
}
