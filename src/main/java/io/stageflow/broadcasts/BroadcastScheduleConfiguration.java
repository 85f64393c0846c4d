package io.stageflow.broadcasts;

import io.stageflow.support.PollingWorker;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every node's poller of the broadcast schedule, every {@code stageflow.broadcasts.schedule-poll-interval}. */
@Configuration(proxyBeanMethods = false)
class BroadcastScheduleConfiguration {

    @Bean
    PollingWorker broadcastSchedulePoller(BroadcastSchedule schedule, BroadcastProperties properties) {
        return new PollingWorker("broadcast-schedule", properties.schedulePollInterval(), schedule::startDue);
    }
}
