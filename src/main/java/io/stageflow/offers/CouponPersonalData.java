package io.stageflow.offers;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The customer's coupons in an export. On erasure, unused coupons are revoked and every coupon and redemption
 * stays for the offer reports and attribution under an id that leads nowhere.
 */
@Component
class CouponPersonalData implements PersonalData {

    private final JdbcClient jdbc;
    private final Coupons coupons;

    CouponPersonalData(JdbcClient jdbc, Coupons coupons) {
        this.jdbc = jdbc;
        this.coupons = coupons;
    }

    @Override
    public String section() {
        return "coupons";
    }

    @Override
    public Object export(Customer customer) {
        List<Map<String, Object>> list = coupons.ofCustomer(customer.id()).stream()
                .map(coupon -> Map.<String, Object>of("code", coupon.code(), "offer", coupon.offerKey(),
                        "status", coupon.status().name().toLowerCase(Locale.ROOT),
                        "expiresAt", coupon.expiresAt().toString(), "uses", coupon.uses()))
                .toList();
        return list;
    }

    @Override
    public void erase(Customer customer) {
        String anonymous = PersonalData.anonymousId(customer);
        jdbc.sql("""
                update sf_coupon set status = case when status in ('RESERVED', 'ISSUED') then 'REVOKED' else status end,
                                     status_reason = case when status in ('RESERVED', 'ISSUED') then 'Customer erased'
                                                          else status_reason end,
                                     customer_id = ?
                where customer_id = ?""")
                .params(anonymous, customer.id()).update();
        jdbc.sql("update sf_coupon_redemption set customer_id = ? where customer_id = ?")
                .params(anonymous, customer.id()).update();
    }
}
