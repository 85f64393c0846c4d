package io.stageflow.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The delivery lanes' mail server connections ({@link SmtpPass}, one a lane), kept from one dispatcher pass to the
 * next while there is mail to send, and closed by the first pass that finds none. Under a broadcast the passes follow
 * one another at once, and each lane opened its connection again at the start of each (TCP, {@code EHLO}, and with
 * a real relay {@code STARTTLS} and {@code AUTH}), while the wave waited for the slowest lane. A kept connection is
 * checked ({@code NOOP}, one round trip) before its first email of the next pass, so that one the server closed in
 * between is opened again rather than failing an email. Passes that overlap (a test calling the dispatcher beside
 * its worker) each get their own.
 */
final class LaneConnections implements AutoCloseable {

    private final int lanes;
    private final Supplier<SmtpPass> open;
    private final AtomicReference<List<SmtpPass>> kept = new AtomicReference<>();
    private volatile boolean closed;

    LaneConnections(int lanes, Supplier<SmtpPass> open) {
        this.lanes = lanes;
        this.open = open;
    }

    /** The lanes' connections for a pass: those the last busy pass kept, or new ones (opened at their first email). */
    List<SmtpPass> take() {
        List<SmtpPass> passes = kept.getAndSet(null);
        if (passes != null) {
            return passes;
        }
        passes = new ArrayList<>(lanes);
        for (int lane = 0; lane < lanes; lane++) {
            passes.add(open.get());
        }
        return passes;
    }

    /**
     * The pass is over: its connections are kept for the next pass when it sent mail ({@code busy}: the next starts
     * at once), and closed when it found none, when another pass's are kept already, or once the node stops.
     */
    void giveBack(List<SmtpPass> passes, boolean busy) {
        if (busy && !closed) {
            passes.forEach(SmtpPass::checkBeforeNextUse);
            if (kept.compareAndSet(null, passes)) {
                if (closed) {
                    close(); // the node stopped meanwhile: close() may have looked before these were kept
                }
                return;
            }
        }
        passes.forEach(SmtpPass::close);
    }

    /** Closes the kept connections, and from now on every pass's at its end. */
    @Override
    public void close() {
        closed = true;
        List<SmtpPass> passes = kept.getAndSet(null);
        if (passes != null) {
            passes.forEach(SmtpPass::close);
        }
    }
}
