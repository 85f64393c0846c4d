package io.stageflow.templates;

/** A send step names a template folder, or a file in it, that does not exist. */
public class TemplateNotFoundException extends RuntimeException {

    public TemplateNotFoundException(String message) {
        super(message);
    }
}
