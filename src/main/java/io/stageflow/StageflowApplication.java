package io.stageflow;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/** Boots the whole platform: ingestion API, journey engine, outbox dispatcher and admin UI in one jar. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StageflowApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(StageflowApplication.class, args);
        if (context.getEnvironment().containsProperty("stageflow.imports.file")) {
            // Command-line import (docs/import.md): the import has run; exit with its outcome.
            System.exit(SpringApplication.exit(context));
        }
    }
}
