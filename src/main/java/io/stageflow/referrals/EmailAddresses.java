package io.stageflow.referrals;

import java.util.Locale;

/**
 * The mailbox behind an address, for spotting self-referrals: lower case, a {@code +tag} dropped, and for Gmail
 * the dots dropped too ({@code j.o.e+friend@googlemail.com} is {@code joe@gmail.com}).
 */
final class EmailAddresses {

    private EmailAddresses() {
    }

    static String mailbox(String email) {
        if (email == null) {
            return null;
        }
        String address = email.strip().toLowerCase(Locale.ROOT);
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return address;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        if (domain.equals("gmail.com") || domain.equals("googlemail.com")) {
            local = local.replace(".", "");
            domain = "gmail.com";
        }
        return local + "@" + domain;
    }
}
