package io.stageflow;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** Boots the whole platform: ingestion API, journey engine, outbox dispatcher and admin UI in one jar. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StageflowApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(StageflowApplication.class, commandArgs(args));
        if (context.getEnvironment().containsProperty("stageflow.imports.file")
                || context.getEnvironment().getProperty("stageflow.journeys.export", Boolean.class, false)) {
            // A command (docs/import.md, docs/modeler.md): the import or the export has run; exit with its outcome.
            System.exit(SpringApplication.exit(context));
        }
    }

    /**
     * The export of journeys (docs/modeler.md) runs beside a running Stageflow: on a free port, and without taking
     * jobs, so that the command is no extra node. Other arguments pass as they are.
     */
    static String[] commandArgs(String[] args) {
        if (!Arrays.asList(args).contains("--stageflow.journeys.export=true")) {
            return args;
        }
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (all.stream().noneMatch(arg -> arg.startsWith("--server.port="))) {
            all.add("--server.port=0");
        }
        all.add("--camunda.bpm.job-execution.enabled=false");
        return all.toArray(String[]::new);
    }

    /** One injectable clock for all of Stageflow's own time decisions, so tests can move time without sleeping. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
