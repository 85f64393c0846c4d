package io.stageflow.security;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who called, for the routes Spring Security does not authenticate: the engine's REST API and its web applications
 * sign their users in themselves ({@code SecurityConfiguration}). Implemented where the engine is known, so that
 * a feature that must name the caller (the audit log) need not know the engine.
 */
public interface EngineCallers {

    /** The user the engine authenticated for this request, once it has been handled; empty when none did. */
    Optional<String> userOf(HttpServletRequest request);
}
