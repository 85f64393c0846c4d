package io.stageflow.templates;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stageflow.customers.Customer;

/**
 * The template context of one email of a wave, whose features' entries ({@link TemplateExtras}) are read when a
 * render first asks for one of their names: a wave of emails whose templates never say {@code $recommendations} reads
 * no recommendations. Each feature is still read once for the whole wave, by whichever of its emails asks first.
 * Anything that reads the map as a map (its entries, {@link #get}) sees the same values an eager context held, so the
 * laziness shows only in what is read, never in what is rendered.
 */
final class WaveModel extends AbstractMap<String, Object> {

    private final Map<String, Object> own;
    private final String idempotencyKey;
    private final List<Feature> features;
    private Map<String, Object> everything;

    WaveModel(Map<String, Object> own, String idempotencyKey, List<Feature> features) {
        this.own = own;
        this.idempotencyKey = idempotencyKey;
        this.features = features;
    }

    /** Messaging's own entries and the triggering event, which every email has at once. */
    Map<String, Object> own() {
        return own;
    }

    /** Whether a feature of the wave gives entries by this name (read when asked for). */
    boolean isFeatureName(String name) {
        return !own.containsKey(name) && features.stream().anyMatch(feature -> feature.extra.names().contains(name));
    }

    /** The entry by this name: messaging's own first, then the features' in their order; null when none has it. */
    @Override
    public Object get(Object name) {
        if (own.containsKey(name)) {
            return own.get(name);
        }
        for (Feature feature : features) {
            if (feature.extra.names().contains(name)) {
                Object value = feature.entriesOf(idempotencyKey).get(name);
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object name) {
        return get(name) != null || own.containsKey(name);
    }

    /** Every entry, each feature read (once for the wave). */
    @Override
    public Set<Entry<String, Object>> entrySet() {
        if (everything == null) {
            Map<String, Object> all = new LinkedHashMap<>(own);
            features.forEach(feature -> feature.entriesOf(idempotencyKey).forEach(all::putIfAbsent));
            everything = all;
        }
        return everything.entrySet();
    }

    /**
     * One feature's entries for a whole wave, read on first use by any of the wave's emails (on whichever render
     * thread asks first; the others wait for that read). A read that fails is tried again by the next email that
     * asks, and its exception fails that email's render, which delivery tries again later.
     */
    static final class Feature {

        private final TemplateExtras extra;
        private final Map<String, Customer> recipients;
        private Map<String, Map<String, Object>> entries;

        Feature(TemplateExtras extra, Map<String, Customer> recipientsByIdempotencyKey) {
            this.extra = extra;
            this.recipients = recipientsByIdempotencyKey;
        }

        synchronized Map<String, Object> entriesOf(String idempotencyKey) {
            if (entries == null) {
                Map<String, Map<String, Object>> read = extra.forDeliveries(recipients);
                Map<String, Map<String, Object>> checked = new HashMap<>();
                read.forEach((key, values) -> {
                    if (!extra.names().containsAll(values.keySet())) {
                        throw new IllegalStateException(extra.getClass().getSimpleName() + " gave the entries "
                                + values.keySet() + " but names only " + extra.names()
                                + ": every name it gives must be in names()");
                    }
                    checked.put(key, values);
                });
                entries = checked;
            }
            return entries.getOrDefault(idempotencyKey, Map.of());
        }
    }
}
