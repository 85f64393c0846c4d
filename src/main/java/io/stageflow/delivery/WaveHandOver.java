package io.stageflow.delivery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Phaser;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-overs of one wave's emails, committed together: each lane's SMTP transaction stops at {@code DATA} (the
 * server has answered it) until every other lane of the wave has got as far or dropped out (its transaction ended
 * before {@code DATA}); then the last of them commits all the hand-overs that arrived, with one statement and one
 * commit, and only then do the lanes write their messages. Nothing of a message is written before its own hand-over
 * is committed, so a crash leaves exactly what one commit a message would: before the commit, nothing ambiguous;
 * after it, at most one email a lane. It spares the database a commit an email.
 *
 * @param <T> what a lane hands over (the dispatcher's email on its way)
 */
final class WaveHandOver<T> {

    private static final Logger log = LoggerFactory.getLogger(WaveHandOver.class);

    private final Function<List<T>, boolean[]> commit;
    private final Phaser lanes;
    /** Guarded by this: the emails at {@code DATA} to be committed, in order of arrival, and what their commit said. */
    private final List<T> arrived = new ArrayList<>();
    /** Guarded by this: the emails that have arrived or dropped out, each counted once by the lanes' phaser. */
    private final Set<T> counted = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<T, Boolean> committed = new IdentityHashMap<>();
    /** Guarded by this: set when the commit has taken the emails arrived; none can leave it after that. */
    private boolean committing;

    /**
     * @param lanes how many emails of the wave go out now, one a lane
     * @param commit commits the hand-overs of the emails given, all or none: for each, whether it is this
     *        dispatcher's to send (false when its claim was taken over); it runs once, on the last lane to arrive
     */
    WaveHandOver(int lanes, Function<List<T>, boolean[]> commit) {
        this.commit = commit;
        this.lanes = new Phaser(lanes) {
            @Override
            protected boolean onAdvance(int phase, int registeredParties) {
                commitArrived();
                return true; // one hand-over a wave
            }
        };
    }

    /**
     * The email's server has answered {@code DATA}: waits for the wave's other lanes, then says whether the message
     * may be written (its hand-over committed). A lane told to stop while it waits leaves the wave's commit and gets
     * false, unless the commit has begun, whose answer it then waits for (the database's time-outs bound it).
     */
    boolean arrive(T email) {
        synchronized (this) {
            arrived.add(email);
            counted.add(email);
        }
        int phase = lanes.arrive();
        try {
            lanes.awaitAdvanceInterruptibly(phase);
        } catch (InterruptedException stopping) {
            synchronized (this) {
                if (!committing) {
                    arrived.remove(email); // not handed over: tried again later, here or on another node
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            lanes.awaitAdvance(phase);
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            return Boolean.TRUE.equals(committed.get(email));
        }
    }

    /**
     * The email's SMTP transaction is over, however it ended. One that never reached {@code DATA} drops out, so that
     * the wave's others need not wait for it.
     */
    void done(T email) {
        synchronized (this) {
            if (!counted.add(email)) {
                return;
            }
        }
        lanes.arriveAndDeregister();
    }

    private void commitArrived() {
        List<T> handingOver;
        synchronized (this) {
            committing = true;
            handingOver = List.copyOf(arrived);
        }
        if (handingOver.isEmpty()) {
            return;
        }
        boolean[] mayGo;
        try {
            mayGo = commit.apply(handingOver);
        } catch (RuntimeException failed) {
            // Not committed: none of the messages is written, and each is tried again as a failure before DATA.
            log.warn("The hand-over of {} emails could not be committed; none of them is sent now", handingOver.size(),
                    failed);
            return;
        }
        synchronized (this) {
            for (int i = 0; i < handingOver.size(); i++) {
                committed.put(handingOver.get(i), mayGo[i]);
            }
        }
    }
}
