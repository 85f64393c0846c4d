package io.stageflow.templates;

/**
 * {@code $raw} in every template: {@code $raw.html($customer.traits.bannerHtml)} inserts HTML your own systems
 * produced without escaping it. An explicit call, not a naming convention, so that every unescaped value is
 * visible in the template and in review. Public because Velocity only calls public methods of public classes.
 */
public final class RawTool {

    /** The value as HTML that is inserted unescaped; null (which strict mode reports) when there is none. */
    public Object html(Object value) {
        return value == null ? null : new RawHtml(value.toString());
    }
}
