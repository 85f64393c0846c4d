package io.stageflow.recommendations;

import java.util.Arrays;

/**
 * How often two products were found together, for every pair seen: an open-addressing hash table of primitive
 * {@code long} keys (the two products' ints, the smaller in the high half) and {@code double} weights, so that tens
 * of millions of pairs cost 16 bytes each rather than two boxed objects and a map entry.
 */
final class PairCounts {

    private static final long FREE = -1L;

    private long[] keys;
    private double[] weights;
    private int size;
    private int mask;

    PairCounts(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, FREE);
        weights = new double[capacity];
        mask = capacity - 1;
        size = 0;
    }

    static long pair(int a, int b) {
        return a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
    }

    static int first(long pair) {
        return (int) (pair >>> 32);
    }

    static int second(long pair) {
        return (int) pair;
    }

    /** Adds {@code weight} to the pair of products {@code a} and {@code b} (not equal, both 0 or more). */
    void add(int a, int b, double weight) {
        long key = pair(a, b);
        int slot = slot(key);
        while (true) {
            long found = keys[slot];
            if (found == key) {
                weights[slot] += weight;
                return;
            }
            if (found == FREE) {
                keys[slot] = key;
                weights[slot] = weight;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The weight of the pair; 0 when never seen. */
    double get(int a, int b) {
        long key = pair(a, b);
        int slot = slot(key);
        while (keys[slot] != FREE) {
            if (keys[slot] == key) {
                return weights[slot];
            }
            slot = (slot + 1) & mask;
        }
        return 0;
    }

    int size() {
        return size;
    }

    /** Calls {@code visitor} with every pair and its weight. */
    void forEach(Visitor visitor) {
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] != FREE) {
                visitor.visit(first(keys[slot]), second(keys[slot]), weights[slot]);
            }
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        double[] oldWeights = weights;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                int slot = slot(oldKeys[i]);
                while (keys[slot] != FREE) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                weights[slot] = oldWeights[i];
                size++;
            }
        }
    }

    /** A pair of products (by int) and its weight. */
    interface Visitor {
        void visit(int a, int b, double weight);
    }
}
