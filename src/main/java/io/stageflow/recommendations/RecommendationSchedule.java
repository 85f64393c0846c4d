package io.stageflow.recommendations;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.util.StringUtils;

/**
 * Schedules the recommendation job: {@code stageflow.recommendations.schedule} (a Spring cron expression) in
 * {@code stageflow.recommendations.zone}; {@code -} turns the schedule off.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class RecommendationSchedule implements SchedulingConfigurer {

    private final RecommendationRuns runs;
    private final RecommendationsProperties properties;

    RecommendationSchedule(RecommendationRuns runs, RecommendationsProperties properties) {
        this.runs = runs;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (ScheduledTaskRegistrar.CRON_DISABLED.equals(properties.schedule())) {
            return;
        }
        registrar.addCronTask(new CronTask(runs::startScheduled,
                new CronTrigger(properties.schedule(), StringUtils.parseTimeZoneString(properties.zone()))));
    }
}
