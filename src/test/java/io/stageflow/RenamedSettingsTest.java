package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class RenamedSettingsTest {

    private final List<String> warnings = new ArrayList<>();

    @Test
    void aRenamedKeyIsReadAsItsNewKeyWithAWarning() {
        StandardEnvironment environment = environment(Map.of(
                "stageflow.messaging.public-url", "https://old.example",
                "stageflow.messaging.dispatcher.max-attempts", "3",
                "stageflow.router.await-catch-for", "PT1M",
                "stageflow.segment.event-types.[Purchase]", "order_completed",
                "stageflow.import.file", "customers.csv"), Map.of());

        process(environment);

        assertThat(environment.getProperty("stageflow.web.public-url")).isEqualTo("https://old.example");
        assertThat(environment.getProperty("stageflow.delivery.dispatcher.max-attempts")).isEqualTo("3");
        assertThat(Binder.get(environment).bind("stageflow.journeys.router.await-catch-for", Duration.class).get())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(Binder.get(environment).bind("stageflow.events.tracking-api.event-types",
                Bindable.mapOf(String.class, String.class)).get()).containsEntry("Purchase", "order_completed");
        assertThat(environment.containsProperty("stageflow.imports.file")).isTrue();
        assertThat(warnings).anySatisfy(warning -> assertThat(warning)
                .contains("stageflow.messaging.public-url is now stageflow.web.public-url"));
        assertThat(warnings).hasSize(5);
    }

    @Test
    void environmentVariablesUnderAnOldNameAreReadToo() {
        StandardEnvironment environment = environment(Map.of(),
                Map.of("STAGEFLOW_MESSAGING_FROM", "Shop <hello@shop.example>", "STAGEFLOW_API_MAXBATCHSIZE", "50"));

        process(environment);

        assertThat(Binder.get(environment).bind("stageflow.delivery.from", String.class).get())
                .isEqualTo("Shop <hello@shop.example>");
        assertThat(Binder.get(environment).bind("stageflow.events.max-batch-size", Integer.class).get()).isEqualTo(50);
    }

    @Test
    void theNewKeyWinsWhereItTakesPrecedence() {
        StandardEnvironment environment = environment(Map.of("stageflow.web.public-url", "https://new.example"),
                Map.of("STAGEFLOW_MESSAGING_PUBLICURL", "https://old.example"));

        process(environment);

        assertThat(Binder.get(environment).bind("stageflow.web.public-url", String.class).get())
                .isEqualTo("https://new.example");
        assertThat(warnings).isEmpty();
    }

    @Test
    void anOldKeyOverridesADefaultOfTheNewKeyInAWeakerSource() {
        StandardEnvironment environment = environment(Map.of(), Map.of("STAGEFLOW_MESSAGING_PUBLICURL", "https://old.example"));
        environment.getPropertySources().addLast(new MapPropertySource("packaged application.yaml",
                Map.of("stageflow.web.public-url", "http://localhost:8080")));

        process(environment);

        assertThat(Binder.get(environment).bind("stageflow.web.public-url", String.class).get())
                .isEqualTo("https://old.example");
    }

    @Test
    void otherKeysAreLeftAlone() {
        StandardEnvironment environment = environment(Map.of("stageflow.imports.chunk-size", "10",
                "stageflow.offers.definitions.first-order.value", "10"), Map.of());

        process(environment);

        assertThat(environment.getPropertySources().contains(RenamedSettings.SOURCE_NAME)).isFalse();
        assertThat(warnings).isEmpty();
    }

    private void process(StandardEnvironment environment) {
        Log log = (Log) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Log.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("warn")) {
                        warnings.add(String.valueOf(arguments[0]));
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
        new RenamedSettings(destination -> log).postProcessEnvironment(environment, new SpringApplication());
    }

    private static StandardEnvironment environment(Map<String, Object> properties, Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("test", new LinkedHashMap<>(properties)));
        environment.getPropertySources().addLast(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new LinkedHashMap<>(variables)));
        return environment;
    }
}
