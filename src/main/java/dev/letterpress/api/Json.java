package dev.letterpress.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;

/** Reading request bodies (bounded in size, JSON checked) and writing JSON answers. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

    static void send(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The body as a JSON object; 415 unless sent as JSON, 413 when larger than {@code limit} bytes, 400 when malformed. */
    static Body object(Context ctx, long limit) {
        return new Body(tree(ctx, limit), "");
    }

    /** The body as JSON text, checked to be one well-formed object (issue documents go on to their own parser). */
    static String objectText(Context ctx, long limit) {
        return tree(ctx, limit).toString();
    }

    private static JsonNode tree(Context ctx, long limit) {
        requireType(ctx, "application/json");
        byte[] bytes;
        try (InputStream in = bounded(ctx, limit)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length == 0) {
            throw ApiError.badRequest("body", "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw ApiError.badRequest("body", "malformed JSON" + (loc == null ? "" : " at line " + loc.getLineNr() + ", column "
                    + loc.getColumnNr()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("body", "the request body must be a JSON object");
        }
        return node;
    }

    static void requireType(Context ctx, String type) {
        String ct = ctx.header("Content-Type");
        if (ct == null || !ct.toLowerCase(Locale.ROOT).strip().startsWith(type)) {
            throw new ApiError(415, "Content-Type", "send the request body as " + type + (ct == null ? "" : ", not " + ct));
        }
    }

    /**
     * The request body, failing with 413 past {@code limit} bytes: at once when Content-Length says so, otherwise
     * as soon as that many bytes have been read (chunked uploads declare no length).
     */
    static InputStream bounded(Context ctx, long limit) {
        String length = ctx.header("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > limit) {
                    throw tooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("Content-Length", "Content-Length must be a number of bytes");
            }
        }
        return new FilterInputStream(ctx.bodyInputStream()) {
            long read;

            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                count(Math.max(n, 0));
                return n;
            }

            private void count(int n) {
                read += n;
                if (read > limit) {
                    throw tooLarge(limit);
                }
            }
        };
    }

    private static ApiError tooLarge(long limit) {
        return new ApiError(413, "body", "the request body is larger than " + limit + " bytes (api.max.body.bytes / api.max.upload.bytes)");
    }
}
