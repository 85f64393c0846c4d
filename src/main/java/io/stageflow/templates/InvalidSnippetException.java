package io.stageflow.templates;

/**
 * A step's own short template (a webhook body, an SMS text) cannot be rendered for this recipient, or validation
 * refuses it; the message names the step's setting, the position and the reference.
 */
public class InvalidSnippetException extends RuntimeException {

    InvalidSnippetException(String message) {
        super(message);
    }
}
