package io.stageflow.templates;

import java.io.Reader;
import java.io.StringReader;

import org.apache.velocity.exception.ResourceNotFoundException;
import org.apache.velocity.runtime.resource.Resource;
import org.apache.velocity.runtime.resource.loader.ResourceLoader;
import org.apache.velocity.util.ExtProperties;

/**
 * Velocity's view of one {@link TemplateFiles} snapshot. A snapshot never changes, so nothing is ever modified:
 * a new version is a new snapshot, read by a new engine.
 */
final class SnapshotResourceLoader extends ResourceLoader {

    private final TemplateFiles files;

    SnapshotResourceLoader(TemplateFiles files) {
        this.files = files;
    }

    @Override
    public void init(ExtProperties configuration) {
        // everything it reads is in the snapshot
    }

    @Override
    public Reader getResourceReader(String source, String encoding) {
        String text = files.read(source);
        if (text == null) {
            throw new ResourceNotFoundException("templates/" + source + " does not exist");
        }
        return new StringReader(text);
    }

    @Override
    public boolean resourceExists(String resourceName) {
        return files.has(resourceName);
    }

    @Override
    public boolean isSourceModified(Resource resource) {
        return false;
    }

    @Override
    public long getLastModified(Resource resource) {
        return 0;
    }
}
