package io.stageflow.customers;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** A profile as the API shows it: what the business sent, plus where the customer is in the lifecycle. */
record CustomerView(@JsonUnwrapped Customer profile, String stage, Instant stageSince, OrderStats orders) {
}
