package io.stageflow.offers;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Coupon codes: 12 characters drawn by {@link SecureRandom} from 31 that cannot be mistaken for each other (no
 * 0/O, 1/I/L), written in groups of four (K7QX-M9PT-2HWA). About 59 bits of chance: nothing to count up from and
 * nothing to guess. Uniqueness is the database's (a unique constraint); a clash is drawn again.
 */
final class CouponCodes {

    static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private static final int LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CouponCodes() {
    }

    static String next() {
        StringBuilder code = new StringBuilder(LENGTH + 2);
        for (int i = 0; i < LENGTH; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** A code as a customer may type it (lower case, spaces, no hyphens) in its stored form; null if it cannot be one. */
    static String normalise(String typed) {
        if (typed == null) {
            return null;
        }
        String plain = typed.toUpperCase(Locale.ROOT).replaceAll("[\\s-]", "");
        if (plain.length() != LENGTH || !plain.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            return null;
        }
        return plain.substring(0, 4) + "-" + plain.substring(4, 8) + "-" + plain.substring(8);
    }
}
