package io.stageflow.delivery;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.stageflow.customers.CustomerService;
import io.stageflow.support.PollingWorker;
import io.stageflow.templates.TemplateModel;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * The channels other than email that this node delivers: one {@link ChannelDispatcher} per {@link ChannelAdapter}
 * bean, each with its own polling thread ({@code channel-<name>}) and call threads, started and stopped with the
 * application. A channel without an adapter cannot be queued ({@link Outbox#enqueue(ChannelRequest)}).
 */
@Component
class ChannelDispatchers implements SmartLifecycle {

    private final Map<Channel, ChannelAdapter> adapters = new EnumMap<>(Channel.class);
    private final Map<Channel, PollingWorker> workers = new EnumMap<>(Channel.class);
    private final Map<Channel, ChannelDispatcher> dispatchers = new EnumMap<>(Channel.class);
    private final List<ExecutorService> threads = new ArrayList<>();

    ChannelDispatchers(List<ChannelAdapter> adapters, OutboxStore store, CustomerService customers,
            TemplateModel templateModel, SendingWindow quietHours, List<MarketingHoldout> holdouts,
            ApplicationEventPublisher events, MeterRegistry meters, Clock clock, DeliveryProperties properties) {
        for (ChannelAdapter adapter : adapters) {
            Channel channel = adapter.channel();
            if (channel == Channel.EMAIL || this.adapters.putIfAbsent(channel, adapter) != null) {
                throw new IllegalStateException("A second adapter for channel " + channel + ": "
                        + adapter.getClass().getName());
            }
            CustomizableThreadFactory factory = new CustomizableThreadFactory("channel-" + channel.key() + "-call-");
            factory.setDaemon(true);
            ExecutorService calls = Executors.newFixedThreadPool(properties.channels().concurrency(), factory);
            threads.add(calls);
            ChannelDispatcher dispatcher = new ChannelDispatcher(adapter, store, customers, templateModel, quietHours,
                    holdouts, events, meters, clock, properties, calls);
            dispatchers.put(channel, dispatcher);
            workers.put(channel, new PollingWorker("channel-" + channel.key(), properties.channels().idleWait(),
                    dispatcher::dispatchDue));
        }
    }

    /** The adapter delivering {@code channel}. */
    ChannelAdapter of(Channel channel) {
        ChannelAdapter adapter = adapters.get(channel);
        if (adapter == null) {
            throw new IllegalArgumentException("No " + channel.key() + " channel is configured on this node");
        }
        return adapter;
    }

    /** The channels besides email that this node delivers, in their order. */
    Set<Channel> configured() {
        return Collections.unmodifiableSet(adapters.keySet());
    }

    /** One more attempt at a failed message, now (an operator retried its incident): {@link Outbox#redeliver}. */
    void redeliver(Channel channel, long outboxId) {
        ChannelDispatcher dispatcher = dispatchers.get(channel);
        if (dispatcher == null) {
            throw new DeliveryFailedException("Message " + outboxId + " cannot be delivered: no " + channel.key()
                    + " channel is configured on this node");
        }
        dispatcher.redeliver(outboxId);
    }

    /** Wakes the channel's dispatcher once the caller's transaction commits. */
    void wakeUpAfterCommit(Channel channel) {
        PollingWorker worker = workers.get(channel);
        if (worker != null) {
            worker.wakeUpAfterCommit();
        }
    }

    @Override
    public void start() {
        workers.values().forEach(PollingWorker::start);
    }

    @Override
    public void stop() {
        workers.values().forEach(PollingWorker::stop);
        threads.forEach(ExecutorService::shutdownNow);
    }

    @Override
    public boolean isRunning() {
        return workers.values().stream().anyMatch(PollingWorker::isRunning);
    }

    @Override
    public int getPhase() {
        return workers.values().stream().findFirst().map(PollingWorker::getPhase).orElse(0);
    }
}
