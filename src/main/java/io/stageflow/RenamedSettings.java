package io.stageflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps configuration written for Stageflow 0.1 working after each feature got its own {@code stageflow.<feature>}
 * prefix: a setting under a renamed key ({@code stageflow.messaging.public-url}, {@code STAGEFLOW_MESSAGING_FROM},
 * {@code stageflow.api.max-batch-size}...) is read as its new key, with a warning naming it, unless the new key is
 * set where it takes precedence. The table is docs/configuration.md's "Renamed keys".
 */
class RenamedSettings implements EnvironmentPostProcessor, Ordered {

    /** Old prefix to new prefix, the more specific first. */
    static final Map<String, String> RENAMED = renamed();

    static final String SOURCE_NAME = "stageflowRenamedSettings";

    private final Log log;

    RenamedSettings(DeferredLogFactory logs) {
        this.log = logs.getLog(RenamedSettings.class);
    }

    private static Map<String, String> renamed() {
        Map<String, String> renamed = new LinkedHashMap<>();
        renamed.put("stageflow.messaging.templates-dir", "stageflow.templates.dir");
        renamed.put("stageflow.messaging.template-check-interval", "stageflow.templates.check-interval");
        renamed.put("stageflow.messaging.brand", "stageflow.templates.brand");
        renamed.put("stageflow.messaging.public-url", "stageflow.web.public-url");
        renamed.put("stageflow.messaging.unsubscribe", "stageflow.subscriptions.unsubscribe");
        renamed.put("stageflow.messaging", "stageflow.delivery");
        renamed.put("stageflow.api.max-batch-size", "stageflow.events.max-batch-size");
        renamed.put("stageflow.api.earliest-timestamp", "stageflow.events.earliest-timestamp");
        renamed.put("stageflow.api.timestamp-max-ahead", "stageflow.events.timestamp-max-ahead");
        renamed.put("stageflow.api", "stageflow.web");
        renamed.put("stageflow.segment", "stageflow.events.tracking-api");
        renamed.put("stageflow.router", "stageflow.journeys.router");
        renamed.put("stageflow.ingestion.rate-limit", "stageflow.security.ingestion-rate-limit");
        renamed.put("stageflow.lifecycle", "stageflow.customers.lifecycle");
        renamed.put("stageflow.import", "stageflow.imports");
        renamed.put("stageflow.batch.broadcast", "stageflow.broadcasts");
        renamed.put("stageflow.batch.inactivity", "stageflow.inactivity");
        return renamed;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after the config files are loaded
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> translated = new LinkedHashMap<>();
        Set<ConfigurationPropertyName> seen = new HashSet<>();
        List<String> warnings = new ArrayList<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)
                    || SOURCE_NAME.equals(String.valueOf(source.getUnderlyingSource()))) {
                continue;
            }
            List<ConfigurationPropertyName> names = iterable.stream().toList();
            List<ConfigurationPropertyName> renamedHere = new ArrayList<>();
            for (ConfigurationPropertyName name : names) {
                if (newName(name).isEmpty()) {
                    seen.add(name); // set under its current name: an old one in a weaker source does not override it
                } else {
                    renamedHere.add(name);
                }
            }
            for (ConfigurationPropertyName name : renamedHere) {
                ConfigurationPropertyName current = newName(name).orElseThrow();
                if (seen.add(current)) {
                    ConfigurationProperty property = source.getConfigurationProperty(name);
                    if (property != null) {
                        translated.put(current.toString(), property.getValue());
                        warnings.add(name + " is now " + current);
                    }
                }
            }
        }
        if (!translated.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource(SOURCE_NAME, translated));
            warnings.forEach(warning -> log.warn("Renamed setting: " + warning
                    + " (docs/configuration.md, \"Renamed keys\"); the old name will go in a later version"));
        }
    }

    /** The current name of a setting under a renamed prefix; empty for any other name. */
    static Optional<ConfigurationPropertyName> newName(ConfigurationPropertyName name) {
        for (Map.Entry<String, String> rename : RENAMED.entrySet()) {
            ConfigurationPropertyName old = ConfigurationPropertyName.of(rename.getKey());
            if (name.getNumberOfElements() >= old.getNumberOfElements() && startsWith(name, old)) {
                String rest = name.toString().substring(name.chop(old.getNumberOfElements()).toString().length());
                return Optional.of(ConfigurationPropertyName.of(rename.getValue() + rest));
            }
        }
        return Optional.empty();
    }

    private static boolean startsWith(ConfigurationPropertyName name, ConfigurationPropertyName prefix) {
        for (int i = 0; i < prefix.getNumberOfElements(); i++) {
            if (!name.getElement(i, Form.UNIFORM).equals(prefix.getElement(i, Form.UNIFORM))) {
                return false;
            }
        }
        return true;
    }
}
