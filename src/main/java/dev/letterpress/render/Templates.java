package dev.letterpress.render;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.TimeZone;

/**
 * The one FreeMarker {@link Configuration}, built once (re-creating it per render is FreeMarker's "typical
 * and grave mistake"). {@code .ftlh} templates are auto-escaped HTML, {@code .ftl} plain text.
 */
public final class Templates {
    private final Configuration cfg;

    public Templates(TemplateRoot root) {
        cfg = new Configuration(Configuration.VERSION_2_3_34);
        cfg.setTemplateLoader(root.loader());
        cfg.setRecognizeStandardFileExtensions(true);
        cfg.setDefaultEncoding("UTF-8");
        cfg.setLocale(Locale.ENGLISH);
        cfg.setTimeZone(TimeZone.getTimeZone("UTC"));
        cfg.setNumberFormat("computer");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setAPIBuiltinEnabled(false);
        // Templates may not instantiate arbitrary classes (the ?new built-in): content authors are not code authors.
        cfg.setNewBuiltinClassResolver(freemarker.core.TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
    }

    public Template get(String name) throws IOException {
        return cfg.getTemplate(name);
    }

    /** Renders a template to a string; template errors surface as {@link TemplateException}. */
    public String render(Template template, Object model) throws TemplateException {
        return render(template, model, 8192);
    }

    /**
     * As {@link #render(Template, Object)}, into a buffer of {@code expectedChars}: the per-recipient layout is
     * ~25,000 characters, and growing a small buffer to that (and StringWriter's synchronized appends) was 7 % of
     * a sending thread's time in copies.
     */
    String render(Template template, Object model, int expectedChars) throws TemplateException {
        BuilderWriter out = new BuilderWriter(expectedChars);
        try {
            template.process(model, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.sb.toString();
    }

    /** A Writer over an unsynchronized StringBuilder. */
    private static final class BuilderWriter extends Writer {
        final StringBuilder sb;

        BuilderWriter(int capacity) {
            sb = new StringBuilder(capacity);
        }

        @Override
        public void write(int c) {
            sb.append((char) c);
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            sb.append(cbuf, off, len);
        }

        @Override
        public void write(String str) {
            sb.append(str);
        }

        @Override
        public void write(String str, int off, int len) {
            sb.append(str, off, off + len);
        }

        @Override
        public Writer append(CharSequence csq) {
            sb.append(csq);
            return this;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    public String render(String name, Object model) throws TemplateException, IOException {
        return render(get(name), model);
    }
}
