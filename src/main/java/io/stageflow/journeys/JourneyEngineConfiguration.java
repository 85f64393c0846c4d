package io.stageflow.journeys;

import java.util.Set;

import io.stageflow.events.EventsAccepted;
import io.stageflow.support.PollingWorker;

import org.camunda.bpm.engine.ProcessEngine;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDependsOnDatabaseInitializationDetector;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** Engine start-up order and the trigger router's background worker. */
@Configuration(proxyBeanMethods = false)
class JourneyEngineConfiguration {

    @Bean
    PollingWorker triggerRouterWorker(TriggerRouter router, JourneysProperties properties) {
        JourneysProperties.Router settings = properties.router();
        return new PollingWorker("trigger-router", settings.idleWait(), settings.gather(),
                () -> router.routeDueEvents() >= settings.batchSize());
    }

    @Bean
    RouterWakeUp routerWakeUp(PollingWorker triggerRouterWorker) {
        return new RouterWakeUp(triggerRouterWorker);
    }

    /** Routes newly accepted events as soon as they are committed, instead of at the next poll. */
    static class RouterWakeUp {

        private final PollingWorker worker;

        RouterWakeUp(PollingWorker worker) {
            this.worker = worker;
        }

        @EventListener
        void eventsAccepted(EventsAccepted accepted) {
            worker.wakeUpAfterCommit();
        }
    }

    /**
     * Liquibase creates the engine's tables (schema updates are off in the engine), so the engine must start
     * after it. Registered in {@code META-INF/spring.factories}.
     */
    static class EngineDependsOnLiquibase extends AbstractBeansOfTypeDependsOnDatabaseInitializationDetector {

        @Override
        protected Set<Class<?>> getDependsOnDatabaseInitializationBeanTypes() {
            return Set.of(ProcessEngine.class);
        }
    }
}
