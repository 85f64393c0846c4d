package io.stageflow.security;

/**
 * Who may do what. People have one or more of {@link #ADMIN}, {@link #MARKETER}, {@link #OPERATOR}; an
 * integration authenticated by a write key has only {@link #INGEST}.
 */
public final class Roles {

    /** Users, write keys, deployments, and everything else. */
    public static final String ADMIN = "admin";
    /** Templates, segments, previews and reports. */
    public static final String MARKETER = "marketer";
    /** Cockpit, incidents and the running journeys. */
    public static final String OPERATOR = "operator";
    /** Posting events and tracking calls, nothing else. */
    public static final String INGEST = "ingest";

    private Roles() {
    }
}
