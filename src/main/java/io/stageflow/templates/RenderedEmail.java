package io.stageflow.templates;

/** A template rendered for one recipient: one subject line, and the same content as HTML and as plain text. */
public record RenderedEmail(String subject, String html, String text) {
}
