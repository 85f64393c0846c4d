package io.stageflow.templates;

import java.util.List;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Checks every template when the application starts, including those no journey sends yet, so that a broken
 * or unsafe template is found by whoever restarts the application, not by the first customer it is sent to.
 */
@Component
class TemplateFolderCheck implements InitializingBean {

    private final TemplateRenderer templates;

    TemplateFolderCheck(TemplateRenderer templates) {
        this.templates = templates;
    }

    @Override
    public void afterPropertiesSet() {
        List<String> problems = templates.problemsInAllTemplates();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Templates cannot be sent; fix them or move them out of the templates"
                    + " folder:\n  " + String.join("\n  ", problems));
        }
    }
}
