package io.stageflow.templates;

import java.io.IOException;
import java.io.Writer;

import org.apache.velocity.context.InternalContextAdapter;
import org.apache.velocity.runtime.Renderable;

/**
 * HTML that an HTML template inserts as it is: a layout's {@code $body} (already escaped when it was rendered)
 * and what a template marks with {@code $raw.html(...)}. Velocity writes a {@link Renderable} straight to the
 * output, past {@link HtmlEscapingWriter#writeReference}.
 */
record RawHtml(String html) implements Renderable {

    @Override
    public boolean render(InternalContextAdapter context, Writer writer) throws IOException {
        writer.write(html);
        return true;
    }

    @Override
    public String toString() {
        return html;
    }
}
