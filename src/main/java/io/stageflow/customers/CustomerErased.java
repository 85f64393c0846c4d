package io.stageflow.customers;

/**
 * Published inside the erasing transaction when a customer has been erased, so that features that keep copies
 * outside the rows (the embedded database file's old pages) can clean them once the erasure is committed.
 */
public record CustomerErased(String anonymousId) {
}
