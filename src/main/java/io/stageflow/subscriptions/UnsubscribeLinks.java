package io.stageflow.subscriptions;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import io.stageflow.security.LinkSigner;
import io.stageflow.templates.TemplateLinks;
import io.stageflow.web.WebProperties;

import org.springframework.stereotype.Component;

/**
 * Signed unsubscribe links. A token carries the SHA-256 of the recipient's address (what the suppression list
 * keys on, and no internal id), the day it was issued, and a signature over both ({@link LinkSigner}), so it
 * cannot be forged or pointed at another address.
 */
@Component
public class UnsubscribeLinks implements TemplateLinks {

    private final LinkSigner signer;
    private final Clock clock;
    private final Duration validity;
    private final String baseUrl;

    UnsubscribeLinks(LinkSigner signer, Clock clock, SubscriptionsProperties properties, WebProperties web) {
        this.signer = signer;
        this.clock = clock;
        this.validity = properties.unsubscribe().linkValidity();
        this.baseUrl = web.baseUrl();
    }

    /** {@code $links.unsubscribe} and {@code $links.preferences}, for the address the email goes to. */
    @Override
    public Map<String, String> links(String address, Long outboxId) {
        String unsubscribe = unsubscribeUrlFor(address, outboxId);
        return Map.of("unsubscribe", unsubscribe, "preferences", unsubscribe + UnsubscribeController.PREFERENCES);
    }

    @Override
    public Map<String, String> samples() {
        String sample = baseUrl + UnsubscribeController.PATH + "sample";
        return Map.of("unsubscribe", sample, "preferences", sample + UnsubscribeController.PREFERENCES);
    }

    /** The one-click unsubscribe URL for this address. */
    public String unsubscribeUrlFor(String email) {
        return unsubscribeUrlFor(email, null);
    }

    /**
     * The one-click unsubscribe URL for this address in the email of outbox row {@code outboxId} (null for none),
     * so that an unsubscribe is credited to the email it came from (message analytics).
     */
    public String unsubscribeUrlFor(String email, Long outboxId) {
        return baseUrl + UnsubscribeController.PATH + tokenFor(email, outboxId);
    }

    /** The page where the recipient of this address chooses which email categories they receive. */
    String preferencesUrlFor(String email) {
        return unsubscribeUrlFor(email) + UnsubscribeController.PREFERENCES;
    }

    /** A token for this address, valid for {@code unsubscribe.link-validity}. */
    String tokenFor(String email) {
        return tokenFor(email, null);
    }

    /** The same, naming the email it is in when there is one: {@code hash.day[.row]}, all signed. */
    private String tokenFor(String email, Long outboxId) {
        String addressHash = LinkSigner.encode(HexFormat.of().parseHex(Suppressions.hash(email)));
        return signer.sign(addressHash + "." + Long.toString(clock.instant().getEpochSecond() / 86_400, 36)
                + (outboxId == null ? "" : "." + Long.toString(outboxId, 36)));
    }

    /** The suppression-list hash of the address the token was made for, if the token is genuine and current. */
    Optional<String> addressHashOf(String token) {
        return unsubscribeOf(token).map(Unsubscribed::addressHash);
    }

    /**
     * Who a genuine, current token unsubscribes: the address's suppression-list hash, and the email the link was in
     * (null for a link made before links named their email, or outside one).
     */
    Optional<Unsubscribed> unsubscribeOf(String token) {
        return signer.verify(token).flatMap(payload -> {
            String[] parts = payload.split("\\.");
            if (parts.length != 2 && parts.length != 3) {
                return Optional.empty();
            }
            try {
                long issuedDay = Long.parseLong(parts[1], 36);
                long today = clock.instant().getEpochSecond() / 86_400;
                if (today - issuedDay > validity.toDays()) {
                    return Optional.empty();
                }
                return Optional.of(new Unsubscribed(HexFormat.of().formatHex(LinkSigner.decode(parts[0])),
                        parts.length == 3 ? Long.parseLong(parts[2], 36) : null));
            } catch (IllegalArgumentException malformed) {
                return Optional.empty();
            }
        });
    }
}
