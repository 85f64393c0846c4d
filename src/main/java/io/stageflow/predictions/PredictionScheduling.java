package io.stageflow.predictions;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.util.StringUtils;

/** Schedules the scoring job: {@code stageflow.predictions.schedule} in {@code zone}; {@code -} turns it off. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class PredictionScheduling implements SchedulingConfigurer {

    private final PredictionScoring scoring;
    private final PredictionsProperties properties;

    PredictionScheduling(PredictionScoring scoring, PredictionsProperties properties) {
        this.scoring = scoring;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (ScheduledTaskRegistrar.CRON_DISABLED.equals(properties.schedule())) {
            return;
        }
        registrar.addCronTask(new CronTask(scoring::startScheduled,
                new CronTrigger(properties.schedule(), StringUtils.parseTimeZoneString(properties.zone()))));
    }
}
