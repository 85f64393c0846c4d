package io.stageflow.templates;

import java.util.List;

/**
 * What changed between two versions of a template part, file by file.
 *
 * @param files every file of either version, by name
 */
record TemplateDiff(String key, int from, int to, List<FileDiff> files) {

    /**
     * @param change  {@code added}, {@code removed}, {@code changed} or {@code unchanged}
     * @param unified the change as a unified diff (empty when unchanged)
     */
    record FileDiff(String file, String change, String unified) {
    }
}
