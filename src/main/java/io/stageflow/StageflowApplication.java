package io.stageflow;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Boots the whole platform: ingestion API, journey engine, outbox dispatcher and admin UI in one jar. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StageflowApplication {

    public static void main(String[] args) {
        SpringApplication.run(StageflowApplication.class, args);
    }
}
