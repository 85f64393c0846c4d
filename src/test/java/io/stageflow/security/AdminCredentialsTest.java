package io.stageflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdminCredentialsTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "admin", "Admin", "changeme", "demo", "stageflow", "Short-1!", "no-upper-case-42",
            "NO-LOWER-CASE-42", "No-Digits-At-All", "NoSymbolsAtAll42"})
    void defaultOrWeakPasswordsAreRefused(String password) {
        assertThat(new AdminCredentials("admin", password, true).weakness()).isNotNull();
    }

    @Test
    void aStrongPasswordIsAccepted() {
        assertThat(new AdminCredentials("admin", "Not-the-default-42", true).weakness()).isNull();
    }

    @Test
    void generatedPasswordsAreStrong() {
        for (int i = 0; i < 200; i++) {
            assertThat(new AdminCredentials("admin", AdminCredentials.randomPassword(), true).weakness()).isNull();
        }
    }
}
