package io.stageflow.security;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stageflow.StageflowApplication;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** With production settings the application refuses to start on a missing or default admin password. */
class ProductionStartupTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "admin", "changeme", "Short-1!"})
    void refusesToStartWithADefaultOrWeakAdminPassword(String password) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(StageflowApplication.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.datasource.url=jdbc:h2:mem:startup-" + password.hashCode() + ";DB_CLOSE_DELAY=-1",
                        "stageflow.security.admin.require-strong-password=true",
                        "stageflow.security.admin.password=" + password,
                        "camunda.bpm.job-execution.enabled=false",
                        // Not "default": Camunda keeps engines in a static registry by name, and closing this
                        // failed context must not unregister the engine the other tests' REST API uses.
                        "camunda.bpm.process-engine-name=startupcheck",
                        "spring.main.banner-mode=off");

        assertThatThrownBy(application::run)
                .rootCause().hasMessageContaining("Refusing to start");
    }
}
