package io.stageflow.tracking;

import java.time.Instant;
import java.util.Optional;

import io.stageflow.security.LinkSigner;

import org.springframework.stereotype.Component;

/**
 * The signed tokens of the open pixel ({@code o}, the outbox row and when the email was sent) and of each tracked
 * link ({@code c}, the row and the link's index): a token cannot be made or changed without the key, so a click can
 * only ever record and redirect for the email and the link it was made for. The pixel carries the send time so that
 * an open is classified without reading the database: a burst of opens after a broadcast costs no read per request.
 */
@Component
class TrackingTokens {

    private final LinkSigner signer;

    TrackingTokens(LinkSigner signer) {
        this.signer = signer;
    }

    String open(long outboxId, Instant sentAt) {
        return signer.sign("o" + Long.toString(outboxId, 36) + "." + Long.toString(sentAt.toEpochMilli(), 36));
    }

    String click(long outboxId, int linkIndex) {
        return signer.sign("c" + Long.toString(outboxId, 36) + "-" + Integer.toString(linkIndex, 36));
    }

    /** The pixel's email; its send time is missing (null) from the tokens of emails sent before it was added. */
    Optional<Open> verifyOpen(String token) {
        return signer.verify(token).filter(payload -> payload.startsWith("o")).flatMap(payload -> {
            int dot = payload.indexOf('.');
            Optional<Long> row = number(payload.substring(1, dot < 0 ? payload.length() : dot));
            if (dot < 0) {
                return row.map(id -> new Open(id, null));
            }
            Optional<Long> sent = number(payload.substring(dot + 1));
            return row.isPresent() && sent.isPresent()
                    ? Optional.of(new Open(row.get(), Instant.ofEpochMilli(sent.get()))) : Optional.empty();
        });
    }

    Optional<Link> verifyClick(String token) {
        return signer.verify(token).filter(payload -> payload.startsWith("c")).flatMap(payload -> {
            int dash = payload.indexOf('-');
            if (dash < 0) {
                return Optional.empty();
            }
            Optional<Long> row = number(payload.substring(1, dash));
            Optional<Long> index = number(payload.substring(dash + 1));
            return row.isPresent() && index.isPresent() && index.get() <= Integer.MAX_VALUE
                    ? Optional.of(new Link(row.get(), index.get().intValue())) : Optional.empty();
        });
    }

    private static Optional<Long> number(String base36) {
        try {
            return Optional.of(Long.parseLong(base36, 36)).filter(n -> n >= 0);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** An open pixel: the email's outbox row, and when it was sent (null in tokens made before that was added). */
    record Open(long outboxId, Instant sentAt) {
    }

    /** A tracked link: the email's outbox row and the link's index in it. */
    record Link(long outboxId, int index) {
    }
}
