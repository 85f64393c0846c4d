package io.stageflow.templates;

import java.util.List;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Stops the application when a template of the templates folder cannot be sent, including one no journey sends
 * yet, so that a broken or unsafe template is found by whoever restarts the application, not by the first customer
 * it is sent to. (The broken version is not published; a version from the console was checked when published.)
 */
@Component
class TemplateFolderCheck implements InitializingBean {

    private final TemplateLibrary library;

    TemplateFolderCheck(TemplateLibrary library) {
        this.library = library;
    }

    @Override
    public void afterPropertiesSet() {
        List<String> problems = library.problemsAtStart();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Templates cannot be sent; fix them or move them out of the templates"
                    + " folder:\n  " + String.join("\n  ", problems));
        }
    }
}
