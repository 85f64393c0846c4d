package io.stageflow.tracking;

import java.util.Optional;

import io.stageflow.security.LinkSigner;

import org.springframework.stereotype.Component;

/**
 * The signed tokens of the open pixel ({@code o} and the outbox row) and of each tracked link ({@code c}, the row
 * and the link's index): a token cannot be made or changed without the key, so a click can only ever record and
 * redirect for the email and the link it was made for.
 */
@Component
class TrackingTokens {

    private final LinkSigner signer;

    TrackingTokens(LinkSigner signer) {
        this.signer = signer;
    }

    String open(long outboxId) {
        return signer.sign("o" + Long.toString(outboxId, 36));
    }

    String click(long outboxId, int linkIndex) {
        return signer.sign("c" + Long.toString(outboxId, 36) + "-" + Integer.toString(linkIndex, 36));
    }

    Optional<Long> verifyOpen(String token) {
        return signer.verify(token).filter(payload -> payload.startsWith("o")).flatMap(payload -> number(payload
                .substring(1)));
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

    /** A tracked link: the email's outbox row and the link's index in it. */
    record Link(long outboxId, int index) {
    }
}
