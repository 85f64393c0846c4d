package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class JoinedHandOverTest {

    @Test
    void handOversOfferedWhileTheRecordWaitsAreCommittedWithIt() throws Exception {
        JoinedHandOver<String> join = new JoinedHandOver<>(10, TimeUnit.SECONDS);
        CompletableFuture<List<String>> record = CompletableFuture.supplyAsync(join::take);

        assertThat(join.offer(List.of("a", "b"))).isTrue();
        assertThat(record.get(10, TimeUnit.SECONDS)).containsExactly("a", "b");
        CompletableFuture<boolean[]> lanes = CompletableFuture.supplyAsync(join::answer);
        join.committed(new boolean[] {true, false});

        assertThat(lanes.get(10, TimeUnit.SECONDS)).containsExactly(true, false);
    }

    @Test
    void whenTheJoinedTransactionFailsNoneOfTheOfferedIsHandedOver() throws Exception {
        JoinedHandOver<String> join = new JoinedHandOver<>(10, TimeUnit.SECONDS);
        assertThat(join.offer(List.of("a", "b"))).isTrue();
        assertThat(join.take()).containsExactly("a", "b");

        join.failed();

        assertThat(join.answer()).containsExactly(false, false);
        assertThat(join.take()).as("a retry of the record joins nothing").isNull();
    }

    @Test
    void aRecordThatWaitedInVainCommitsAloneAndALaterOfferCommitsOnItsOwn() {
        JoinedHandOver<String> join = new JoinedHandOver<>(1, TimeUnit.MILLISECONDS);

        assertThat(join.take()).isNull();

        assertThat(join.offer(List.of("late"))).isFalse();
    }

    @Test
    void anOfferTheRecordDoesNotTakeInTimeIsWithdrawnToBeCommittedOnItsOwn() {
        JoinedHandOver<String> join = new JoinedHandOver<>(1, TimeUnit.MILLISECONDS);
        assertThat(join.offer(List.of("a"))).isTrue();

        assertThat(join.answer()).as("the record is still busy: withdrawn").isNull();
        assertThat(join.take()).as("and no longer taken").isNull();
    }

    @Test
    void anOfferMadeAfterThePassClosedTheJoinIsNotTaken() {
        JoinedHandOver<String> join = new JoinedHandOver<>(10, TimeUnit.SECONDS);
        join.close();

        assertThat(join.offer(List.of("a"))).isFalse();
        assertThat(join.take()).isNull();
        assertThat(JoinedHandOver.<String>none().offer(List.of("b"))).isFalse();
    }

    @Test
    void anOfferNotYetTakenWhenTheRecordEndsIsCommittedOnItsOwn() {
        JoinedHandOver<String> join = new JoinedHandOver<>(10, TimeUnit.SECONDS);
        assertThat(join.offer(List.of("a"))).isTrue();

        join.close(); // the record failed for good before it took them

        assertThat(join.answer()).isNull();
    }
}
