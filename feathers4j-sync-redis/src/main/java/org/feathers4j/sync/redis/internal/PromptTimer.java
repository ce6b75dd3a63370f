package org.feathers4j.sync.redis.internal;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timer of the client resources the adapter makes: Lettuce's usual wheel (100 ms ticks) for everything with a
 * delay, but a task due at once runs at once on Lettuce's event executors. Lettuce schedules every reconnect through
 * its timer, even one without delay, and the wheel would add up to a tick to it: that tick was most of the time a
 * killed subscription stayed away.
 */
final class PromptTimer implements Timer {

    private static final Logger LOG = LoggerFactory.getLogger(PromptTimer.class);

    private final HashedWheelTimer wheel = new HashedWheelTimer(DaemonThreads.factory(RedisSyncAdapter.TYPE, "timer"));
    private volatile Executor now;

    /** Where tasks due at once run; until set they go through the wheel. */
    void runPromptOn(Executor executor) {
        now = executor;
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Executor e = now;
        if (delay > 0 || e == null) return wheel.newTimeout(task, delay, unit);
        Prompt t = new Prompt(task);
        try {
            e.execute(t::run);
        } catch (RejectedExecutionException shuttingDown) {
            return wheel.newTimeout(task, 0, unit);
        }
        return t;
    }

    @Override
    public Set<Timeout> stop() {
        return wheel.stop();
    }

    /** A task run at once; cancellable until it started. */
    private final class Prompt implements Timeout {
        private static final int WAITING = 0;
        private static final int CANCELLED = 1;
        private static final int DONE = 2;
        private final TimerTask task;
        private final AtomicInteger state = new AtomicInteger(WAITING);

        Prompt(TimerTask task) {
            this.task = task;
        }

        void run() {
            if (!state.compareAndSet(WAITING, DONE)) return;
            try {
                task.run(this);
            } catch (Throwable e) {
                LOG.warn("redis sync: a Lettuce timer task threw", e); // as the wheel does: logged, not rethrown
            }
        }

        @Override
        public Timer timer() {
            return PromptTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return state.get() == DONE;
        }

        @Override
        public boolean isCancelled() {
            return state.get() == CANCELLED;
        }

        @Override
        public boolean cancel() {
            return state.compareAndSet(WAITING, CANCELLED);
        }
    }
}
