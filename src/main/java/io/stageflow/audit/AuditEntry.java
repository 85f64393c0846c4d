package io.stageflow.audit;

import java.time.Instant;

/**
 * One line of the audit log, as stored and as the API shows it.
 *
 * @param id          its place in the log: later entries have larger ids
 * @param occurredAt  when the change was made (its response was sent)
 * @param actor       {@code user:<name>}, {@code key:<write key id>}, or {@code unknown}
 * @param action      what was done, such as {@code segment.saved}
 * @param targetKind  the kind of thing changed, such as {@code segment}; null when the route names none
 * @param target      which one: a segment's key, a customer's id (the anonymous id once they are erased), ...
 * @param route       the method and path pattern that was called, such as {@code DELETE /api/v1/segments/{key}}
 * @param outcome     {@code done}, or {@code denied} when the caller lacked the role
 * @param httpStatus  the response's status
 * @param addressHash a keyed hash of the address the request came from; null when there was none
 */
record AuditEntry(long id, Instant occurredAt, String actor, String action, String targetKind, String target,
        String route, String outcome, int httpStatus, String addressHash) {

    static final String DONE = "done";
    static final String DENIED = "denied";
}
