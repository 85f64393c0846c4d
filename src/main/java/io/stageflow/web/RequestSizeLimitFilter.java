package io.stageflow.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

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
        if (request.getContentLengthLong() > limit) {
            response.setStatus(status.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getWriter().write("""
                    {"type":"about:blank","title":"Request body too large","status":%d,"detail":"%s","instance":"%s"}"""
                    .formatted(status.value(), new RequestTooLargeException(limit, status).getMessage(),
                            request.getRequestURI()));
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit, status), response);
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

    private static final class LimitedStream extends ServletInputStream {

        private final ServletInputStream delegate;
        private final long limit;
        private final HttpStatus status;
        private long read;

        LimitedStream(ServletInputStream delegate, long limit, HttpStatus status) {
            this.delegate = delegate;
            this.limit = limit;
            this.status = status;
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
                throw new RequestTooLargeException(limit, status);
            }
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }
    }
}
