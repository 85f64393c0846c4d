package io.stageflow.audit;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A response whose flushes and closes wait for the end of the request: Spring flushes a body as soon as it is
 * written, which would hand the caller the answer before the audit log's entry for it is written. Held, a body
 * that fits the buffer reaches the caller only once the entry is on disk; a larger one cannot end before then.
 */
class HeldResponse extends HttpServletResponseWrapper {

    private ServletOutputStream stream;
    private PrintWriter writer;

    HeldResponse(HttpServletResponse response) {
        super(response);
    }

    @Override
    public void flushBuffer() {
        // held until the request ends
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            ServletOutputStream out = super.getOutputStream();
            stream = new ServletOutputStream() {

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    out.write(bytes, offset, length);
                }

                @Override
                public void flush() {
                    // held until the request ends
                }

                @Override
                public void close() {
                    // held until the request ends
                }

                @Override
                public boolean isReady() {
                    return out.isReady();
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    out.setWriteListener(listener);
                }
            };
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new PrintWriter(super.getWriter()) {

                @Override
                public void flush() {
                    // held until the request ends
                }

                @Override
                public void close() {
                    // held until the request ends
                }
            };
        }
        return writer;
    }
}
