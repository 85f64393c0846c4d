package io.stageflow.journeys;

import java.util.Optional;

import io.stageflow.security.LoginAttempt;
import io.stageflow.security.LoginThrottle;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.identity.db.DbIdentityServiceProvider;
import org.camunda.bpm.engine.impl.interceptor.Session;
import org.camunda.bpm.engine.impl.interceptor.SessionFactory;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Puts every password check of the engine through {@link LoginThrottle}, and turns Camunda's own lockout off.
 * Camunda counts failures per user alone ({@code loginMaxAttempts}, 10 by default, then the account is locked
 * until an admin unlocks it; before that a per-user delay of {@code loginDelayBase}·{@code loginDelayFactor}^n
 * seconds, at most {@code loginDelayMaxTime}), so anyone could lock any user out, the admin included. Here the
 * engine's identity provider is Camunda's own database provider minus the lock: {@link LoginThrottle} counts per
 * user and client address instead. Being inside the engine, it covers every caller of
 * {@code IdentityService.checkPassword}: Stageflow's {@code /api} login, {@code /engine-rest}'s HTTP Basic, the
 * webapps' login form, {@code identity/verify} and the current-password check of a password change. The client
 * is the request of the calling thread; a check outside a request (none in Stageflow) is not throttled.
 */
@Component
class ThrottledPasswords extends AbstractProcessEnginePlugin {

    private final LoginThrottle throttle;

    ThrottledPasswords(LoginThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setIdentityProviderSessionFactory(new SessionFactory() {
            @Override
            public Class<?> getSessionType() {
                return Provider.class;
            }

            @Override
            public Session openSession() {
                return new Provider(throttle);
            }
        });
    }

    /** The sign-in attempt the current request makes as {@code user}, if this thread serves a request. */
    static Optional<LoginAttempt> currentAttempt(String user) {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request
                ? Optional.of(LoginAttempt.of(user, request.getRequest()))
                : Optional.empty();
    }

    /** Camunda's database identity provider, throttled per user and address, and never locking a user. */
    static final class Provider extends DbIdentityServiceProvider {

        private final LoginThrottle throttle;

        Provider(LoginThrottle throttle) {
            this.throttle = throttle;
        }

        @Override
        public boolean checkPassword(String userId, String password) {
            Optional<LoginAttempt> attempt = currentAttempt(userId);
            if (attempt.isPresent() && throttle.begin(attempt.get()).isPresent()) {
                return false; // refused without looking at the password
            }
            boolean valid = super.checkPassword(userId, password);
            if (valid) {
                attempt.ifPresent(throttle::succeeded);
            }
            return valid;
        }

        @Override
        protected boolean isUserLocked(UserEntity user) {
            return false; // also unlocks users Camunda locked before this provider was in place
        }

        @Override
        protected void lockUser(UserEntity user) {
            // Camunda's per-user lock and delay: replaced by LoginThrottle
        }
    }
}
