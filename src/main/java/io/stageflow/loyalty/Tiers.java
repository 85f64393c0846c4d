package io.stageflow.loyalty;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The configured tiers, lowest first ({@code stageflow.loyalty.tiers}), and which one a number of points reaches. */
record Tiers(List<Tier> all) {

    /** One tier: its name and the points within the window it takes. */
    record Tier(String name, int threshold) {
    }

    static Tiers parse(List<String> settings) {
        if (settings.isEmpty()) {
            throw new IllegalArgumentException("stageflow.loyalty.tiers must name at least one tier");
        }
        List<Tier> tiers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String setting : settings) {
            int colon = setting.lastIndexOf(':');
            String name = colon < 0 ? "" : setting.substring(0, colon).strip();
            int threshold;
            try {
                threshold = Integer.parseInt(setting.substring(colon + 1).strip());
            } catch (NumberFormatException e) {
                threshold = -1;
            }
            if (name.isEmpty() || name.length() > 50 || threshold < 0) {
                throw new IllegalArgumentException("stageflow.loyalty.tiers: '" + setting
                        + "' is not name:threshold (a name of at most 50 characters, a whole number of points)");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("stageflow.loyalty.tiers names " + name + " twice");
            }
            if (!tiers.isEmpty() && threshold <= tiers.get(tiers.size() - 1).threshold()) {
                throw new IllegalArgumentException("stageflow.loyalty.tiers must be listed lowest first, each threshold"
                        + " above the one before");
            }
            if (tiers.isEmpty() && threshold != 0) {
                throw new IllegalArgumentException("stageflow.loyalty.tiers: the first tier's threshold must be 0");
            }
            tiers.add(new Tier(name, threshold));
        }
        return new Tiers(List.copyOf(tiers));
    }

    Tier lowest() {
        return all.get(0);
    }

    /** The highest tier these points reach. */
    Tier reachedWith(long points) {
        Tier reached = lowest();
        for (Tier tier : all) {
            if (points >= tier.threshold()) {
                reached = tier;
            }
        }
        return reached;
    }

    /** The tier after this one, or null at the top (or for a tier no longer configured). */
    Tier above(String name) {
        for (int i = 0; i < all.size() - 1; i++) {
            if (all.get(i).name().equals(name)) {
                return all.get(i + 1);
            }
        }
        return null;
    }

    /** The tier's place, lowest 0; -1 for a name no longer configured. */
    int rank(String name) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
