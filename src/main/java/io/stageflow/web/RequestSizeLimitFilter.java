package io.stageflow.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.zip.GZIPInputStream;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps every request body: Stageflow's API ({@code /api/}, answered 413; customer imports,
 * {@code POST /api/v1/imports} and the console's {@code POST /imports}, have their own cap, {@code import-max-request-size}), the Segment tracking API
 * ({@code /v1/}: 500 KB, answered 400 as Segment does), and everything else, such as deployments through
 * {@code /engine-rest} ({@code other-max-request-size}, 413). A declared length over the cap is refused before
 * reading; a chunked body is cut off as soon as it passes the cap, so a huge upload never reaches a parser whole.
 * <p>
 * The tracking API also takes a gzip body ({@code Content-Encoding: gzip}, RudderStack's default): it is inflated
 * as it is read, and the inflated body has the same 500 KB cap, so a small "zip bomb" is cut off at 500 KB too
 * (400). Any other content encoding gets 415.
 */
@Component
class RequestSizeLimitFilter extends OncePerRequestFilter {

    /** Segment's documented limit for a batch request. */
    static final long SEGMENT_BATCH_LIMIT = 500 * 1024;

    private final long apiLimit;
    private final long importLimit;
    private final long otherLimit;

    RequestSizeLimitFilter(WebProperties limits) {
        this.apiLimit = limits.maxRequestSize().toBytes();
        this.importLimit = limits.importMaxRequestSize().toBytes();
        this.otherLimit = limits.otherMaxRequestSize().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = isSegment(request) ? SEGMENT_BATCH_LIMIT : isImport(request) ? importLimit
                : isApi(request) ? apiLimit : otherLimit;
        HttpStatus status = isSegment(request) ? HttpStatus.BAD_REQUEST : HttpStatus.PAYLOAD_TOO_LARGE;
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        boolean gzip = false;
        if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.strip())) {
            gzip = isSegment(request) && "gzip".equalsIgnoreCase(encoding.strip());
            if (!gzip && isSegment(request)) {
                response.setStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE.value());
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                response.getWriter().write("""
                        {"type":"about:blank","title":"Unsupported content encoding","status":415,                        "detail":"Send the body as it is or with Content-Encoding: gzip","instance":"%s"}"""
                        .formatted(request.getRequestURI()));
                return;
            }
        }
        if (request.getContentLengthLong() > limit) {
            response.setStatus(status.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getWriter().write("""
                    {"type":"about:blank","title":"Request body too large","status":%d,"detail":"%s","instance":"%s"}"""
                    .formatted(status.value(), new RequestTooLargeException(limit, status).getMessage(),
                            request.getRequestURI()));
            return;
        }
        chain.doFilter(gzip ? new InflatedRequest(request, limit, status) : new LimitedRequest(request, limit, status),
                response);
    }

    private static boolean isApi(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    }

    private static boolean isImport(HttpServletRequest request) {
        return "POST".equals(request.getMethod())
                && (request.getRequestURI().equals(request.getContextPath() + "/api/v1/imports")
                        || request.getRequestURI().equals(request.getContextPath() + ConsolePaths.IMPORTS));
    }

    private static boolean isSegment(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + "/v1/");
    }


    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final long limit;
        private final HttpStatus status;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit, HttpStatus status) {
            super(request);
            this.limit = limit;
            this.status = status;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), limit, status);
            }
            return stream;
        }
    }

    /**
     * A gzip body, inflated as it is read: both the compressed bytes and the inflated ones are capped, so neither a
     * large upload nor a small one that inflates enormously is ever held whole.
     */
    private static final class InflatedRequest extends HttpServletRequestWrapper {

        private final long limit;
        private final HttpStatus status;
        private ServletInputStream stream;

        InflatedRequest(HttpServletRequest request, long limit, HttpStatus status) {
            super(request);
            this.limit = limit;
            this.status = status;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream raw = super.getInputStream();
                InputStream compressed = new LimitedStream(raw, raw, limit, status);
                stream = new LimitedStream(new LazyGzip(compressed), raw, limit, status,
                        "The request body inflates to more than the limit of " + limit
                                + " bytes. Send smaller batches.");
            }
            return stream;
        }

        /** The body as read is inflated: its encoding and compressed length are no longer true of it. */
        private static boolean hidden(String name) {
            return HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name) || HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name);
        }

        @Override
        public String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !hidden(name)).toList());
        }

        @Override
        public int getIntHeader(String name) {
            return hidden(name) ? -1 : super.getIntHeader(name);
        }

        @Override
        public int getContentLength() {
            return -1;
        }

        @Override
        public long getContentLengthLong() {
            return -1;
        }
    }

    /** A {@link GZIPInputStream} opened on the first read, so a body that is not gzip fails while it is parsed. */
    private static final class LazyGzip extends InputStream {

        private final InputStream compressed;
        private GZIPInputStream inflated;

        LazyGzip(InputStream compressed) {
            this.compressed = compressed;
        }

        private GZIPInputStream inflated() throws IOException {
            if (inflated == null) {
                inflated = new GZIPInputStream(compressed, 8192);
            }
            return inflated;
        }

        @Override
        public int read() throws IOException {
            return inflated().read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return inflated().read(buffer, offset, length);
        }
    }

    private static final class LimitedStream extends ServletInputStream {

        private final InputStream delegate;
        private final ServletInputStream servlet;
        private final long limit;
        private final HttpStatus status;
        private final String message;
        private long read;

        LimitedStream(ServletInputStream delegate, long limit, HttpStatus status) {
            this(delegate, delegate, limit, status);
        }

        LimitedStream(InputStream delegate, ServletInputStream servlet, long limit, HttpStatus status) {
            this(delegate, servlet, limit, status, null);
        }

        LimitedStream(InputStream delegate, ServletInputStream servlet, long limit, HttpStatus status, String message) {
            this.delegate = delegate;
            this.servlet = servlet;
            this.limit = limit;
            this.status = status;
            this.message = message;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws RequestTooLargeException {
            read += n;
            if (read > limit) {
                throw message == null ? new RequestTooLargeException(limit, status)
                        : new RequestTooLargeException(message, status);
            }
        }

        @Override
        public boolean isFinished() {
            return servlet.isFinished();
        }

        @Override
        public boolean isReady() {
            return servlet.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            servlet.setReadListener(listener);
        }
    }
}
