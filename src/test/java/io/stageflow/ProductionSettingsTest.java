package io.stageflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/**
 * The {@code mysql} profile refuses to start with settings missing or malformed, naming every one in a single
 * message before any bean is made; a complete, well-formed set starts the check quietly; and the check knows
 * every variable the profile reads.
 */
class ProductionSettingsTest {

    private static final Path PROFILE = Path.of("src/main/resources/application-mysql.yaml");

    /** What docker-compose sets, and a strong password: a good production configuration. */
    private static final Map<String, Object> GOOD = Map.of(
            "STAGEFLOW_DB_URL", "jdbc:mysql://mysql:3306/stageflow", "STAGEFLOW_DB_USER", "stageflow",
            "STAGEFLOW_DB_PASSWORD", "secret", "STAGEFLOW_SMTP_HOST", "mail", "STAGEFLOW_SMTP_PORT", "1025",
            "STAGEFLOW_SMTP_STARTTLS", "false", "STAGEFLOW_MAIL_FROM", "Shop <hello@shop.example>",
            "STAGEFLOW_PUBLIC_URL", "https://stageflow.shop.example", "STAGEFLOW_ADMIN_PASSWORD", "Strong-Admin-42");

    @Test
    void theRealApplicationNamesEveryMissingOrMalformedSettingAtOnceBeforeStarting() {
        Map<String, Object> settings = new HashMap<>(Map.of("spring.main.web-application-type", "none",
                "STAGEFLOW_DB_URL", "jdbc:postgresql://db/stageflow", "STAGEFLOW_SMTP_PORT", "smtp",
                "STAGEFLOW_SMTP_STARTTLS", "yes", "STAGEFLOW_PUBLIC_URL", "stageflow.shop.example",
                "STAGEFLOW_ADMIN_PASSWORD", "short"));

        ProductionSettingsException failure = catchThrowableOfType(ProductionSettingsException.class,
                () -> new SpringApplicationBuilder(StageflowApplication.class).profiles("mysql")
                        .properties(settings).run().close());

        assertThat(failure).as("the application must not start").isNotNull();
        assertThat(failure.problems()).extracting(problem -> problem.split("[ :]", 2)[0]).containsExactly(
                "STAGEFLOW_DB_URL", "STAGEFLOW_DB_USER", "STAGEFLOW_DB_PASSWORD", "STAGEFLOW_SMTP_HOST",
                "STAGEFLOW_SMTP_PORT", "STAGEFLOW_SMTP_STARTTLS", "STAGEFLOW_MAIL_FROM", "STAGEFLOW_PUBLIC_URL",
                "STAGEFLOW_ADMIN_PASSWORD");
        assertThat(failure.problems()).contains("STAGEFLOW_MAIL_FROM is not set (stageflow.delivery.from)",
                "STAGEFLOW_SMTP_PORT (spring.mail.port) must be a whole number from 1 to 65535",
                "STAGEFLOW_ADMIN_PASSWORD: the admin password is shorter than 12 characters");
        FailureAnalysis analysis = new ProductionSettingsAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).contains("\n    - STAGEFLOW_MAIL_FROM is not set")
                .contains("\n    - STAGEFLOW_DB_URL (spring.datasource.url) must be a JDBC URL of MySQL or MariaDB");
        assertThat(analysis.getAction()).contains("docker/README.md");
    }

    @Test
    void aCompleteConfigurationPassesAndEachBadValueIsNamed() throws IOException {
        ProductionSettings.check(environment(GOOD));

        for (Map.Entry<String, String> bad : Map.of("STAGEFLOW_MAIL_FROM", "hello", "STAGEFLOW_PUBLIC_URL",
                "ftp://stageflow.shop.example", "STAGEFLOW_SMTP_HOST", "mail:1025", "STAGEFLOW_DB_POOL_SIZE", "0",
                "STAGEFLOW_DB_SSL", "maybe", "STAGEFLOW_ADMIN_PASSWORD", "stageflow").entrySet()) {
            Map<String, Object> settings = new HashMap<>(GOOD);
            settings.put(bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> ProductionSettings.check(environment(settings))).as(bad.getKey())
                    .isInstanceOf(ProductionSettingsException.class)
                    .satisfies(e -> assertThat(((ProductionSettingsException) e).problems()).singleElement()
                            .asString().startsWith(bad.getKey()));
        }
        // The same setting by its own key, with no variable: that counts.
        Map<String, Object> direct = new HashMap<>(GOOD);
        direct.remove("STAGEFLOW_MAIL_FROM");
        direct.put("stageflow.delivery.from", "hello@shop.example");
        ProductionSettings.check(environment(direct));
    }

    @Test
    void theCheckKnowsEveryVariableTheProfileReads() throws IOException {
        Matcher placeholders = Pattern.compile("\\$\\{(STAGEFLOW_[A-Z0-9_]+)(:?)").matcher(
                Files.readString(PROFILE, StandardCharsets.UTF_8));
        Set<String> read = new TreeSet<>();
        Set<String> required = new TreeSet<>();
        while (placeholders.find()) {
            read.add(placeholders.group(1));
            if (placeholders.group(2).isEmpty()) {
                required.add(placeholders.group(1));
            }
        }
        Set<String> checkedVariables = ProductionSettings.SETTINGS.stream().map(ProductionSettings.Setting::variable)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> requiredVariables = ProductionSettings.SETTINGS.stream()
                .filter(ProductionSettings.Setting::required).map(ProductionSettings.Setting::variable)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(read).hasSizeGreaterThan(8);
        assertThat(checkedVariables).containsAll(read.stream().filter(v -> !v.equals("STAGEFLOW_SMTP_USER")
                && !v.equals("STAGEFLOW_SMTP_PASSWORD")).toList());
        assertThat(requiredVariables).isEqualTo(required);
    }

    private static StandardEnvironment environment(Map<String, Object> variables) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.setActiveProfiles("mysql");
        environment.getPropertySources().addFirst(new MapPropertySource("variables", variables));
        new YamlPropertySourceLoader().load("application-mysql", new FileSystemResource(PROFILE))
                .forEach(source -> environment.getPropertySources().addLast(source));
        return environment;
    }
}
