package io.stageflow.security;

import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * HTTP Basic with a write key as the user name (and an empty password), as Segment libraries send it. A server key
 * gets {@link Roles#INGEST}; a browser key only {@link Roles#INGEST_BROWSER}, which no {@code /api/**} endpoint
 * accepts (browsers use the Segment endpoints, {@code /v1/**}).
 */
@Component
class WriteKeyAuthenticationProvider implements AuthenticationProvider {

    static final String KEY_PREFIX = "sfk_";

    private final WriteKeys writeKeys;

    WriteKeyAuthenticationProvider(WriteKeys writeKeys) {
        this.writeKeys = writeKeys;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String name = authentication.getName();
        if (name == null || !name.startsWith(KEY_PREFIX)) {
            return null; // not a write key: let the user providers try
        }
        WriteKey key = writeKeys.authenticate(name)
                .orElseThrow(() -> new BadCredentialsException("Unknown or revoked write key"));
        return UsernamePasswordAuthenticationToken.authenticated(key, null,
                List.of(new SimpleGrantedAuthority("ROLE_"
                        + (key.kind() == WriteKey.Kind.BROWSER ? Roles.INGEST_BROWSER : Roles.INGEST))));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
