package io.stageflow.tracking;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stageflow.tracking.*}: whether emails carry an open pixel and tracked links, which templates never do
 * (transactional mail, say), how soon after sending an open or a click is taken for a machine's, and how many
 * tracked links each node keeps in memory.
 *
 * @param opens              add an open pixel to every email's HTML part
 * @param clicks             send every link of the HTML part, and those the text part marks with
 *                           {@code $track.link}, through a tracked redirect
 * @param untrackedTemplates templates whose emails get neither pixel nor tracked links
 * @param machineWindow      an open or click this soon after the email was sent is a machine's (an image proxy's
 *                           prefetch, a security gateway's link scan)
 * @param cachedLinks        tracked links each node keeps in memory to redirect clicks without a read
 * @param cachedLinksFor     how long a node keeps a link in memory; after an erasure, other nodes may redirect (but
 *                           never record) the erased customer's clicks for this long
 * @param writers            threads per node that write opens and clicks in batches (group commit): with two, one
 *                           gathers the next batch while the other's commits
 */
@ConfigurationProperties("stageflow.tracking")
record TrackingProperties(@DefaultValue("true") boolean opens, @DefaultValue("true") boolean clicks,
        @DefaultValue List<String> untrackedTemplates, @DefaultValue("PT10S") Duration machineWindow,
        @DefaultValue("100000") int cachedLinks, @DefaultValue("PT10M") Duration cachedLinksFor,
        @DefaultValue("2") int writers) {

    boolean tracks(String template) {
        return !untrackedTemplates.contains(template);
    }
}
