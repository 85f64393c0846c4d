package io.stageflow.referrals;

import java.net.URI;

import io.stageflow.customers.CustomerService;
import io.stageflow.templates.TemplatesProperties;
import io.stageflow.web.WebProperties;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A customer's referral code and link, and the referral link itself: {@code /r/{code}} redirects to the brand's
 * website with {@code ?ref=<code>}, so the shop can carry the code into the signup as {@code referralCode}.
 */
@RestController
class ReferralController {

    static final String LINK_PATH = "/r/";

    private final Referrals referrals;
    private final CustomerService customers;
    private final String linkBase;
    private final String websiteUrl;

    ReferralController(Referrals referrals, CustomerService customers, WebProperties web,
            TemplatesProperties templates) {
        this.referrals = referrals;
        this.customers = customers;
        this.linkBase = web.baseUrl() + LINK_PATH;
        this.websiteUrl = templates.brand().websiteUrl();
    }

    @GetMapping("/api/v1/customers/{id}/referral")
    ReferralView referral(@PathVariable String id) {
        if (customers.find(id).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "There is no customer '" + id + "'");
        }
        return referrals.view(id, linkBase);
    }

    @GetMapping(LINK_PATH + "{code}")
    ResponseEntity<Void> follow(@PathVariable String code) {
        if (referrals.ownerOf(code).isEmpty()) {
            return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(websiteUrl)).build();
        }
        URI target = UriComponentsBuilder.fromUriString(websiteUrl).queryParam("ref", code.strip()).build().encode().toUri();
        return ResponseEntity.status(HttpStatus.FOUND).location(target).build();
    }
}
