package io.stageflow.loyalty;

import java.util.TimeZone;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronTrigger;

/** Schedules {@link LoyaltyUpkeep} on {@code stageflow.loyalty.cron} in UTC; {@code -} turns it off. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class LoyaltySchedule implements SchedulingConfigurer {

    private final LoyaltyUpkeep upkeep;
    private final LoyaltyProperties settings;

    LoyaltySchedule(LoyaltyUpkeep upkeep, LoyaltyProperties settings) {
        this.upkeep = upkeep;
        this.settings = settings;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (ScheduledTaskRegistrar.CRON_DISABLED.equals(settings.cron())) {
            return;
        }
        registrar.addCronTask(new CronTask(upkeep::runScheduled,
                new CronTrigger(settings.cron(), TimeZone.getTimeZone("UTC"))));
    }
}
