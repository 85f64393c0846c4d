package io.stageflow.tracking;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.stereotype.Component;

/**
 * Where tracked links lead, kept in memory in front of {@code sf_tracked_link}: the links of each email this node
 * sends are remembered as it sends it, and links found in the database on a click are remembered too, so that the
 * clicks after a broadcast are redirected without a read each. Bounded in size ({@code cached-links}, least
 * frequently used first out) and in age ({@code cached-links-for}): a link is only ever read from the database, or
 * from this node's own send, never guessed. Erasing a customer forgets their links on this node at once; other nodes
 * forget them within {@code cached-links-for}, and meanwhile can redirect, but never record, such a click.
 */
@Component
class ClickTargets {

    private final TrackingStore store;
    private final Cache<Link, TrackingStore.ClickTarget> cache;

    ClickTargets(TrackingStore store, TrackingProperties settings) {
        this.store = store;
        this.cache = Caffeine.newBuilder().maximumSize(settings.cachedLinks())
                .expireAfterWrite(settings.cachedLinksFor()).build();
    }

    /** Where the email's link leads, and when the email was sent; empty when no such link is recorded. */
    Optional<TrackingStore.ClickTarget> find(long outboxId, int index) {
        Link link = new Link(outboxId, index);
        TrackingStore.ClickTarget cached = cache.getIfPresent(link);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<TrackingStore.ClickTarget> found = store.clickTarget(outboxId, index);
        found.ifPresent(target -> cache.put(link, target));
        return found;
    }

    /** The links of an email as it is sent ({@link TrackingStore#recordSend} recorded them). */
    void remember(long outboxId, List<String> urls, Instant sentAt) {
        for (int i = 0; i < urls.size(); i++) {
            cache.put(new Link(outboxId, i), new TrackingStore.ClickTarget(urls.get(i), sentAt));
        }
    }

    /** Erasure: this node forgets the links of these emails. */
    void forget(Collection<Long> outboxIds) {
        Set<Long> erased = Set.copyOf(outboxIds);
        cache.asMap().keySet().removeIf(link -> erased.contains(link.outboxId()));
    }

    private record Link(long outboxId, int index) {
    }
}
