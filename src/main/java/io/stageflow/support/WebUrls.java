package io.stageflow.support;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Which URLs may stand in an email's {@code href} or {@code src}: absolute {@code http} and {@code https} URLs with a
 * host and nothing a mail client could read otherwise, never {@code javascript:}, {@code data:} or a relative path.
 * The catalogue takes only such URLs, and templates are handed only such URLs.
 */
public final class WebUrls {

    private WebUrls() {
    }

    /** An absolute http or https URL with a host, no user info, no whitespace, quotes, angle brackets or controls. */
    public static boolean isWebUrl(String value) {
        if (value == null || ControlCharacters.in(value) || value.chars().anyMatch(Character::isWhitespace)
                || value.indexOf('"') >= 0 || value.indexOf('<') >= 0 || value.indexOf('>') >= 0) {
            return false;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && !uri.getHost().isEmpty() && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
