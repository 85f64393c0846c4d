package io.stageflow;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import io.stageflow.security.AdminCredentials;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Profiles;

/**
 * The {@code mysql} profile's settings, checked all at once before anything starts (the context is prepared, with
 * every property source, and no bean is made yet): each missing or malformed one is named with the variable that
 * sets it and what it must be, in one message ({@link ProductionSettingsAnalyzer}).
 * Without it, a missing {@code STAGEFLOW_MAIL_FROM} ends in a 200-line stack trace about
 * {@code Missing final '@domain'}, and the next missing setting is found only on the next start.
 */
class ProductionSettings implements ApplicationListener<ApplicationPreparedEvent> {

    static final String PROFILE = "mysql";

    /** Each setting the profile reads from the environment: its key, its variable, and what a good value is. */
    static final List<Setting> SETTINGS = List.of(
            new Setting("spring.datasource.url", "STAGEFLOW_DB_URL", true,
                    value -> value.startsWith("jdbc:mysql://") || value.startsWith("jdbc:mariadb://") ? null
                            : "a JDBC URL of MySQL or MariaDB, such as jdbc:mysql://db.internal:3306/stageflow"),
            new Setting("spring.datasource.username", "STAGEFLOW_DB_USER", true, ProductionSettings::notBlank),
            new Setting("spring.datasource.password", "STAGEFLOW_DB_PASSWORD", true, value -> null),
            new Setting("spring.datasource.hikari.maximum-pool-size", "STAGEFLOW_DB_POOL_SIZE", false,
                    value -> whole(value, 1, 1000)),
            new Setting("spring.datasource.hikari.data-source-properties.useSSL", "STAGEFLOW_DB_SSL", false,
                    ProductionSettings::trueOrFalse),
            new Setting("spring.mail.host", "STAGEFLOW_SMTP_HOST", true,
                    value -> value.isBlank() || value.contains(":") || value.contains("/")
                            ? "a host name or address, without a port or scheme (the port is STAGEFLOW_SMTP_PORT)"
                            : null),
            new Setting("spring.mail.port", "STAGEFLOW_SMTP_PORT", false, value -> whole(value, 1, 65535)),
            new Setting("spring.mail.properties.mail.smtp.auth", "STAGEFLOW_SMTP_AUTH", false,
                    ProductionSettings::trueOrFalse),
            new Setting("spring.mail.properties.mail.smtp.starttls.enable", "STAGEFLOW_SMTP_STARTTLS", false,
                    ProductionSettings::trueOrFalse),
            new Setting("stageflow.delivery.from", "STAGEFLOW_MAIL_FROM", true, ProductionSettings::mailbox),
            new Setting("stageflow.web.public-url", "STAGEFLOW_PUBLIC_URL", true, ProductionSettings::webAddress),
            new Setting("stageflow.security.admin.password", "STAGEFLOW_ADMIN_PASSWORD", true, value -> null));

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        check(event.getApplicationContext().getEnvironment());
    }

    static void check(ConfigurableEnvironment environment) {
        if (!environment.acceptsProfiles(Profiles.of(PROFILE))) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Setting setting : SETTINGS) {
            String value;
            try {
                value = environment.getProperty(setting.key());
            } catch (IllegalArgumentException unresolved) { // a ${VARIABLE} without a default, not set
                value = null;
            }
            if (value == null) {
                if (setting.required()) {
                    problems.add(setting.variable() + " is not set (" + setting.key() + ")");
                }
                continue;
            }
            String wrong = setting.check().apply(value.strip());
            if (wrong != null) {
                problems.add(setting.variable() + " (" + setting.key() + ") must be " + wrong);
            }
        }
        String password = safely(environment, "stageflow.security.admin.password");
        if (password != null) {
            String user = safely(environment, "stageflow.security.admin.user");
            String weakness = new AdminCredentials(user == null ? "admin" : user, password, true).weakness();
            if (weakness != null) {
                problems.add("STAGEFLOW_ADMIN_PASSWORD: " + weakness);
            }
        }
        if (!problems.isEmpty()) {
            throw new ProductionSettingsException(problems);
        }
    }

    /**
     * One setting the profile needs from its installation.
     *
     * @param key      the setting's key, which the profile fills from the variable (and which may be set directly)
     * @param variable the environment variable the profile reads it from
     * @param required whether the profile has no default for it
     * @param check    null for a good value, else what a good value is
     */
    record Setting(String key, String variable, boolean required, Function<String, String> check) {
    }

    private static String safely(ConfigurableEnvironment environment, String key) {
        try {
            return environment.getProperty(key);
        } catch (IllegalArgumentException unresolved) {
            return null;
        }
    }

    private static String notBlank(String value) {
        return value.isBlank() ? "set, not empty" : null;
    }

    private static String trueOrFalse(String value) {
        String folded = value.toLowerCase(Locale.ROOT);
        return folded.equals("true") || folded.equals("false") ? null : "true or false";
    }

    private static String whole(String value, int min, int max) {
        try {
            int number = Integer.parseInt(value);
            return number >= min && number <= max ? null : "a whole number from " + min + " to " + max;
        } catch (NumberFormatException e) {
            return "a whole number from " + min + " to " + max;
        }
    }

    private static String mailbox(String value) {
        String wanted = "an email address with a domain, such as hello@shop.example or \"Shop\" <hello@shop.example>";
        try {
            InternetAddress address = new InternetAddress(value, true);
            String mailbox = address.getAddress();
            int at = mailbox == null ? -1 : mailbox.lastIndexOf('@');
            return at > 0 && at < mailbox.length() - 1 && mailbox.substring(at + 1).contains(".") ? null : wanted;
        } catch (AddressException e) {
            return wanted;
        }
    }

    private static String webAddress(String value) {
        String wanted = "the absolute http(s) address recipients reach Stageflow at, such as https://stageflow.shop.example";
        try {
            URI uri = URI.create(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null ? null : wanted;
        } catch (IllegalArgumentException e) {
            return wanted;
        }
    }
}
