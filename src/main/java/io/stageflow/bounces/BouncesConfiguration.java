package io.stageflow.bounces;

import io.stageflow.support.PollingWorker;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the bounce mailbox's background reader, when {@code stageflow.bounces.mailbox.host} names a server. */
@Configuration(proxyBeanMethods = false)
class BouncesConfiguration {

    @Bean
    @ConditionalOnProperty("stageflow.bounces.mailbox.host")
    BounceMailbox bounceMailbox(BouncesProperties properties, BounceIntake intake) {
        return new BounceMailbox(properties.mailbox(), intake);
    }

    @Bean
    @ConditionalOnProperty("stageflow.bounces.mailbox.host")
    PollingWorker bounceMailboxWorker(BounceMailbox mailbox, BouncesProperties properties) {
        return new PollingWorker("bounce-mailbox", properties.mailbox().pollInterval(), mailbox::read);
    }
}
