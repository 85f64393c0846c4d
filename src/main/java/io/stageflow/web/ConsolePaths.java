package io.stageflow.web;

/**
 * The marketer's console's own paths, in one place: the security chain states each page's roles by them, and the
 * pages link to each other by them (docs/console.md).
 */
public final class ConsolePaths {

    /** The home page: the period's figures. */
    public static final String HOME = "/";
    /** The sign-in form (GET) and where it posts (POST). */
    public static final String LOGIN = "/login";
    /** Signing out: a POST with the CSRF token. */
    public static final String LOGOUT = "/logout";
    /** Where a signed-in user is sent for a page or an action their roles do not allow. */
    public static final String FORBIDDEN = "/forbidden";
    /** The home page's figure cards (an HTML fragment the page loads after it is shown). */
    public static final String HOME_FIGURES = "/home/figures";
    /** The home page's Sankey chart of the period's moves between stages (JSON). */
    public static final String STAGE_FLOWS = "/stage-flows";
    /** The customer search, and each customer's page (profile and timeline) below it. */
    public static final String CUSTOMERS = "/customers";
    /** The journeys, and each journey's page below it. */
    public static final String JOURNEYS = "/journeys";
    /** The segments, and the rule builder for each below it. */
    public static final String SEGMENTS = "/segments";
    /** The broadcasts: composing one, scheduling it, and following each below it. */
    public static final String BROADCASTS = "/broadcasts";
    /** The customer imports: uploading a CSV file, and following each import below it (admins only). */
    public static final String IMPORTS = "/imports";
    /** The audit log: who changed what, when (admins only). */
    public static final String AUDIT = "/audit";
    /** The templates, and each one's previews and test send below it. */
    public static final String TEMPLATES = "/templates";

    /**
     * The console's Content-Security-Policy: scripts and styles only from Stageflow itself, never inline script or
     * {@code eval}; inline style attributes are allowed, as the diagram viewer positions its overlays with them.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private ConsolePaths() {
    }
}
