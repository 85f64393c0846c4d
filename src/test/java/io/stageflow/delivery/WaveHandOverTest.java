package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class WaveHandOverTest {

    private final List<List<String>> commits = Collections.synchronizedList(new ArrayList<>());

    private WaveHandOver<String> wave(int lanes, boolean... mayGo) {
        return new WaveHandOver<>(lanes, arrived -> {
            commits.add(arrived);
            boolean[] answer = new boolean[arrived.size()];
            for (int i = 0; i < answer.length; i++) {
                answer[i] = mayGo.length == 0 || mayGo[i];
            }
            return answer;
        });
    }

    private static CompletableFuture<Boolean> lane(WaveHandOver<String> wave, String email) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return wave.arrive(email);
            } finally {
                wave.done(email);
            }
        });
    }

    @Test
    void theLanesOfAWaveAreHandedOverWithOneCommitOnceTheyAreAllAtData() throws Exception {
        WaveHandOver<String> wave = wave(3);
        CompletableFuture<Boolean> a = lane(wave, "a");
        CompletableFuture<Boolean> b = lane(wave, "b");
        assertThat(commits).isEmpty();
        assertThat(a).isNotDone();

        assertThat(wave.arrive("c")).isTrue();

        assertThat(a.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(commits).hasSize(1);
        assertThat(commits.get(0)).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aLaneWhoseTransactionEndsBeforeDataNeitherHoldsTheOthersUpNorIsHandedOver() throws Exception {
        WaveHandOver<String> wave = wave(2);
        CompletableFuture<Boolean> a = lane(wave, "a");

        wave.done("refused at RCPT");

        assertThat(a.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(commits).containsExactly(List.of("a"));
        wave.done("refused at RCPT"); // told twice: no second drop-out
    }

    @Test
    void aLaneWhoseClaimWasTakenOverIsTheOnlyOneNotToGo() throws Exception {
        WaveHandOver<String> wave = wave(2, true, false);
        CompletableFuture<Boolean> first = lane(wave, "first");
        // The lane arriving second is told "not yours"; which one that is depends on arrival order.
        boolean second = wave.arrive("second");
        List<String> order = commits.get(0);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(order.indexOf("first") == 0);
        assertThat(second).isEqualTo(order.indexOf("second") == 0);
    }

    @Test
    void whenTheCommitFailsNoMessageOfTheWaveIsWritten() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        WaveHandOver<String> wave = new WaveHandOver<>(2, arrived -> {
            tries.incrementAndGet();
            throw new org.springframework.dao.DataAccessResourceFailureException("The database is gone");
        });
        CompletableFuture<Boolean> a = lane(wave, "a");

        assertThat(wave.arrive("b")).isFalse();
        assertThat(a.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(tries).hasValue(1);
    }

    @Test
    void aLaneToldToStopWhileItWaitsIsLeftOutOfTheCommitAndDoesNotGo() throws Exception {
        WaveHandOver<String> wave = wave(2);
        java.util.concurrent.atomic.AtomicBoolean stoppingGoes = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread stopping = new Thread(() -> {
            stoppingGoes.set(wave.arrive("stopping"));
            wave.done("stopping"); // after an arrival: counted once, so the phaser is not told twice
        });
        stopping.start();
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> stopping.getState() == Thread.State.WAITING);
        stopping.interrupt();
        stopping.join(10_000);

        assertThat(stoppingGoes).isFalse();
        assertThat(wave.arrive("staying")).isTrue();
        assertThat(commits).containsExactly(List.of("staying"));
    }

    @Test
    void aWaveWhoseLanesAllEndBeforeDataCommitsNothing() {
        WaveHandOver<String> wave = wave(2);
        wave.done("a");
        wave.done("b");
        assertThat(commits).isEmpty();
    }
}
