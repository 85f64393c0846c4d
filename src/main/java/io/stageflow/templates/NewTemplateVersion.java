package io.stageflow.templates;

import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A new version of a template part, as the editor saves it.
 *
 * @param baseVersion the newest version the author saw (0 for a new part); saving over a newer one is refused
 * @param files       every file of the part, named relative to its folder: {@code html.vm}, {@code de/html.vm}
 * @param comment     why, for the history
 * @param publish     publish at once (after the checks a send would make), rather than keep it as a draft
 */
record NewTemplateVersion(
        @NotNull @Min(0) @Max(Integer.MAX_VALUE) Integer baseVersion,
        @NotEmpty @Size(max = 200) Map<String, String> files,
        @Size(max = 500) String comment,
        boolean publish) {
}
