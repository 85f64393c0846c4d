package io.stageflow.delivery;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hand-over of a wave joined to the record of the wave before it, in one transaction: the recording thread, once
 * it has marked the wave before sent, waits a little ({@code patience}) in that transaction for the next wave's lanes
 * to be at {@code DATA}, marks their hand-overs too, and commits both at once. The lanes then wait for one commit of
 * the database, not for the record's commit and then their own, and the window stays as it was: the next wave's
 * messages are written only once the wave before is recorded sent, and nothing is handed over that is not committed.
 * When the lanes come too late (or no next wave comes), the record commits alone and the hand-over commits on its
 * own after it, as before.
 *
 * @param <T> what a lane hands over (the dispatcher's email on its way)
 */
final class JoinedHandOver<T> {

    private enum State {
        /** The record may still take an offer. */
        OPEN,
        /** The next wave's hand-overs wait for the record to take them. */
        OFFERED,
        /** In the record's transaction. */
        TAKEN,
        /** The joined transaction ended; {@link #answer} says how. */
        ANSWERED,
        /** Nothing was joined: an offer made now, or not taken, commits on its own. */
        CLOSED
    }

    private final long patienceNanos;
    /** Guarded by this. */
    private State state = State.OPEN;
    private List<T> offered;
    private boolean[] answer;

    JoinedHandOver(long patience, TimeUnit unit) {
        this.patienceNanos = unit.toNanos(patience);
    }

    /** A join that takes nothing: before the first wave, and for a single email. */
    static <T> JoinedHandOver<T> none() {
        JoinedHandOver<T> none = new JoinedHandOver<>(0, TimeUnit.NANOSECONDS);
        none.close();
        return none;
    }

    /**
     * The next wave's lanes, at {@code DATA}, offer their hand-overs to the record's transaction; false when the record
     * no longer takes them (it has committed, or gave up waiting): they are then committed on their own.
     */
    synchronized boolean offer(List<T> handingOver) {
        if (state != State.OPEN) {
            return false;
        }
        offered = handingOver;
        state = State.OFFERED;
        notifyAll();
        return true;
    }

    /**
     * What the joined commit said of the rows offered: for each, whether it is handed over (none when the transaction
     * failed); null when the record did not take them within twice its patience, or closed without them, in which case
     * they are to be committed on their own. Once taken, the answer is awaited until the transaction ends (within the
     * database's time-outs), even by a thread told to stop, since it says what was handed over.
     */
    synchronized boolean[] answer() {
        long deadline = System.nanoTime() + 2 * patienceNanos;
        boolean interrupted = false;
        try {
            while (true) {
                if (state == State.ANSWERED) {
                    return answer;
                }
                if (state == State.CLOSED) {
                    return null;
                }
                long left = deadline - System.nanoTime();
                if (state == State.OFFERED && (left <= 0 || interrupted)) {
                    state = State.CLOSED; // withdrawn before the record took it
                    return null;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, state == State.TAKEN ? TimeUnit.SECONDS.toNanos(1) : left);
                } catch (InterruptedException stopping) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * On the recording thread, in the record's transaction: the next wave's hand-overs if they are offered within the
     * patience, or null, in which case the join is closed, so a later offer commits on its own.
     */
    synchronized List<T> take() {
        long deadline = System.nanoTime() + patienceNanos;
        boolean interrupted = false;
        while (state == State.OPEN && !interrupted) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException stopping) {
                interrupted = true; // told to stop: the record waits no longer
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (state == State.OFFERED) {
            state = State.TAKEN;
            return offered;
        }
        close();
        return null;
    }

    /** The joined transaction committed: for each row taken, whether it is handed over. */
    synchronized void committed(boolean[] handedOver) {
        answer = handedOver;
        state = State.ANSWERED;
        notifyAll();
    }

    /** The joined transaction failed: none of the rows taken is handed over. */
    synchronized void failed() {
        answer = new boolean[offered.size()];
        state = State.ANSWERED;
        notifyAll();
    }

    /**
     * No next wave will be offered (the pass ends, or the next wave's lanes are done), or the record commits without
     * it: an offer not taken yet is to be committed on its own.
     */
    synchronized void close() {
        if (state == State.OPEN || state == State.OFFERED) {
            state = State.CLOSED;
            notifyAll();
        }
    }
}
