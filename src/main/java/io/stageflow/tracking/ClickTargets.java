package io.stageflow.tracking;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * Where each of these links leads, and when its email was sent; a link not recorded has no entry. Links not in
     * memory are read with one query for all their emails, whose other links are remembered too (the next click on
     * that email is likely another of its links).
     */
    Map<Link, TrackingStore.ClickTarget> findAll(Collection<Link> links) {
        Map<Link, TrackingStore.ClickTarget> found = new HashMap<>(cache.getAllPresent(links));
        Set<Long> unknown = new java.util.TreeSet<>();
        links.stream().filter(link -> !found.containsKey(link)).forEach(link -> unknown.add(link.outboxId()));
        if (!unknown.isEmpty()) {
            Map<Link, TrackingStore.ClickTarget> read = store.clickTargets(unknown);
            cache.putAll(read);
            links.stream().filter(read::containsKey).forEach(link -> found.put(link, read.get(link)));
        }
        return found;
    }

    /** The links of an email as it is sent ({@link TrackingStore#recordSends} recorded them). */
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

    /** One link of one email. */
    record Link(long outboxId, int index) {
    }
}
