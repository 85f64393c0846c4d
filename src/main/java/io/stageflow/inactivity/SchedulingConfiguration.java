package io.stageflow.inactivity;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.util.StringUtils;

/**
 * Schedules the inactivity scan: {@code stageflow.inactivity.cron} (a Spring cron expression) in
 * {@code stageflow.inactivity.zone}, taken from {@link InactivityProperties}, so the defaults live in one place;
 * {@code -} as a cron turns the schedule off, as it does for {@code @Scheduled}.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfiguration implements SchedulingConfigurer {

    private final InactivityScan scan;
    private final InactivityProperties properties;

    SchedulingConfiguration(InactivityScan scan, InactivityProperties properties) {
        this.scan = scan;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (ScheduledTaskRegistrar.CRON_DISABLED.equals(properties.cron())) {
            return;
        }
        registrar.addCronTask(new CronTask(scan::startScheduled,
                new CronTrigger(properties.cron(), StringUtils.parseTimeZoneString(properties.zone()))));
    }
}
