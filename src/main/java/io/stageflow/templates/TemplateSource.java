package io.stageflow.templates;

/**
 * Where the renderer finds the template files to render: the published versions in the database
 * ({@link TemplateLibrary}) for the application, a folder as it is for tests and tools.
 */
interface TemplateSource {

    /** The files as they are now; the same snapshot until a new version is published. */
    TemplateFiles current();
}
