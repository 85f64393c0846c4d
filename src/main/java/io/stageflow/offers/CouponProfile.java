package io.stageflow.offers;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import io.stageflow.customers.ProfileSection;

import org.springframework.stereotype.Component;

/** The customer's coupons on their console page: code, offer, status, uses and expiry. */
@Component
class CouponProfile implements ProfileSection {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final Coupons coupons;

    CouponProfile(Coupons coupons) {
        this.coupons = coupons;
    }

    @Override
    public String title() {
        return "Coupons";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public List<Line> linesOf(String customerId) {
        return coupons.ofCustomer(customerId).stream().map(coupon -> new Line(coupon.code(), coupon.offerKey() + ", "
                + coupon.status().name().toLowerCase(Locale.ROOT)
                + (coupon.statusReason() == null ? "" : " (" + coupon.statusReason() + ")")
                + ", used " + coupon.uses() + " of " + coupon.maxUses()
                + ", expires " + DAY.format(coupon.expiresAt()))).toList();
    }
}
