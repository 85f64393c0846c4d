package io.stageflow.security;

/**
 * Who may do what. People have one or more of {@link #ADMIN}, {@link #MARKETER}, {@link #OPERATOR},
 * {@link #APPROVER}; an
 * integration authenticated by a write key has only {@link #INGEST} (a server key) or {@link #INGEST_BROWSER} (a
 * browser key).
 */
public final class Roles {

    /** Users, write keys, deployments, and everything else. */
    public static final String ADMIN = "admin";
    /** Templates, segments, previews and reports. */
    public static final String MARKETER = "marketer";
    /**
     * Reads templates and approves or rejects the publishing a marketer asked for, when
     * {@code stageflow.templates.require-approval} is on; never their own request, and they save nothing.
     */
    public static final String APPROVER = "approver";
    /** Cockpit, incidents and the running journeys. */
    public static final String OPERATOR = "operator";
    /** Posting events and tracking calls, nothing else: a server write key. */
    public static final String INGEST = "ingest";
    /**
     * A browser (public) write key: no endpoint of {@code /api/**} admits it; on the Segment endpoints it may track
     * and identify anonymous or new profiles only ({@link WriteKey.Kind#BROWSER}).
     */
    public static final String INGEST_BROWSER = "ingest-browser";

    private Roles() {
    }
}
