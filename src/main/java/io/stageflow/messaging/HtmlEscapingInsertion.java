package io.stageflow.messaging;

import org.apache.velocity.app.event.ReferenceInsertionEventHandler;
import org.apache.velocity.context.Context;
import org.springframework.web.util.HtmlUtils;

/** Escapes every value a reference inserts into an HTML template, so customer data can never become markup. */
final class HtmlEscapingInsertion implements ReferenceInsertionEventHandler {

    @Override
    public Object referenceInsert(Context context, String reference, Object value) {
        return value == null ? null : HtmlUtils.htmlEscape(value.toString(), "UTF-8");
    }
}
