package io.stageflow.referrals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The customer's referral code and the referrals that name them, as referrer or as friend. On erasure the code is
 * deleted (a later signup with it is rejected as an unknown code) and the referrals stay for the referral reports
 * under the anonymous id.
 */
@Component
class ReferralPersonalData implements PersonalData {

    private final JdbcClient jdbc;

    ReferralPersonalData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String section() {
        return "referrals";
    }

    @Override
    public Object export(Customer customer) {
        Map<String, Object> export = new LinkedHashMap<>();
        export.put("code", jdbc.sql("select code from sf_referral_code where customer_id = ?").param(customer.id())
                .query(String.class).optional().orElse(null));
        List<Map<String, Object>> referrals = jdbc.sql("""
                select referrer_id, friend_id, status, reason, created_at from sf_referral
                where referrer_id = ? or friend_id = ? order by id""")
                .params(customer.id(), customer.id()).query().listOfRows();
        export.put("referrals", referrals);
        return export;
    }

    @Override
    public void erase(Customer customer) {
        String anonymous = PersonalData.anonymousId(customer);
        jdbc.sql("delete from sf_referral_code where customer_id = ?").param(customer.id()).update();
        jdbc.sql("update sf_referral set referrer_id = ? where referrer_id = ?").params(anonymous, customer.id()).update();
        jdbc.sql("update sf_referral set friend_id = ? where friend_id = ?").params(anonymous, customer.id()).update();
        jdbc.sql("update sf_referral set linked_friend_id = ? where linked_friend_id = ?")
                .params(anonymous, customer.id()).update();
    }
}
