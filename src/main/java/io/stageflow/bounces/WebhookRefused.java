package io.stageflow.bounces;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** A webhook call whose signature or credentials are not genuine: 401, and nothing it says is acted on. */
class WebhookRefused extends ResponseStatusException {

    WebhookRefused(String why) {
        super(HttpStatus.UNAUTHORIZED, why);
    }
}
