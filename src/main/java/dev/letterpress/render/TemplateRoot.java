package dev.letterpress.render;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.TemplateLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where templates and section schemas come from: the configured directory when it exists (so a marketer can
 * drop in a section type), otherwise the copy bundled in the jar.
 */
public record TemplateRoot(Path path, TemplateLoader loader, String description) {

    public static TemplateRoot resolve(Path configured) {
        if (Files.isDirectory(configured.resolve("email"))) {
            try {
                return new TemplateRoot(configured, new FileTemplateLoader(configured.toFile()), configured.toAbsolutePath().toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read templates.dir " + configured, e);
            }
        }
        URL marker = TemplateRoot.class.getResource("/templates/email/layout/issue.ftlh");
        if (marker == null) {
            throw new IllegalStateException("templates.dir '" + configured + "' has no email/ folder and the jar has no bundled templates");
        }
        try {
            URI uri = marker.toURI();
            Path layout;
            if ("jar".equals(uri.getScheme())) {
                try {
                    layout = FileSystems.newFileSystem(uri, Map.of()).provider().getPath(uri);
                } catch (FileSystemAlreadyExistsException e) {
                    layout = FileSystems.getFileSystem(uri).provider().getPath(uri);
                }
            } else {
                layout = Path.of(uri);
            }
            Path root = layout.getParent().getParent().getParent();
            return new TemplateRoot(root, new ClassTemplateLoader(TemplateRoot.class, "/templates"), "bundled templates");
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot open bundled templates: " + e.getMessage(), e);
        }
    }
}
