package io.stageflow.security;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The first administrator. On a trial (the default profile) Stageflow may make up a random password and print
 * it once; in production ({@code require-strong-password}, set by the {@code mysql} profile) it refuses to
 * start without one from the environment. A password that is given must be strong in every profile, so no
 * installation runs with a default login.
 *
 * @param user                  the administrator's user name
 * @param password              the administrator's password; empty: the embedded profile makes one up and prints it once
 * @param requireStrongPassword refuse to start with a weak or known-default password (set in the mysql profile)
 */
@ConfigurationProperties("stageflow.security.admin")
public record AdminCredentials(
        @DefaultValue("admin") String user,
        @DefaultValue("") String password,
        @DefaultValue("false") boolean requireStrongPassword) {

    private static final Set<String> KNOWN_DEFAULTS = Set.of("admin", "administrator", "password", "changeme",
            "change-me", "demo", "stageflow", "camunda", "secret", "letmein", "12345678", "123456789012");
    private static final int MIN_LENGTH = 12;

    /** Why the configured password may not be used, or null when it may. */
    public String weakness() {
        if (password.isBlank()) {
            return "no admin password is set: set STAGEFLOW_ADMIN_PASSWORD";
        }
        String folded = password.toLowerCase(Locale.ROOT);
        if (KNOWN_DEFAULTS.contains(folded) || folded.equals(user.toLowerCase(Locale.ROOT))) {
            return "the admin password is a well-known default: set a password of your own in STAGEFLOW_ADMIN_PASSWORD";
        }
        if (password.length() < MIN_LENGTH) {
            return "the admin password is shorter than " + MIN_LENGTH + " characters";
        }
        boolean upper = password.chars().anyMatch(Character::isUpperCase);
        boolean lower = password.chars().anyMatch(Character::isLowerCase);
        boolean digit = password.chars().anyMatch(Character::isDigit);
        boolean symbol = password.chars().anyMatch(c -> !Character.isLetterOrDigit(c));
        if (!(upper && lower && digit && symbol)) {
            return "the admin password needs an upper-case letter, a lower-case letter, a digit and a symbol";
        }
        return null;
    }

    /** A random password with every character class, as strict password policies want. */
    public static String randomPassword() {
        SecureRandom random = new SecureRandom();
        String[] classes = {"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "-_.!"};
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String from = classes[i < classes.length ? i : random.nextInt(classes.length - 1)];
            password.append(from.charAt(random.nextInt(from.length())));
        }
        return password.toString();
    }
}
