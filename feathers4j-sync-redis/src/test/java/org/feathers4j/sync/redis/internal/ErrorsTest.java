package org.feathers4j.sync.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.junit.jupiter.api.Test;

/** Which reason each Redis error is reported with; no server needed. */
class ErrorsTest {

    private static RedisConnectionException connecting(Throwable cause) {
        return new RedisConnectionException("Unable to connect to 127.0.0.1:6379", cause);
    }

    @Test
    void refusedCredentialsPermissionsAndTlsAreNotRetried() {
        assertThat(Errors.reason(connecting(new RedisCommandExecutionException("WRONGPASS invalid username-password pair"))))
                .isEqualTo(Reason.AUTHENTICATION);
        assertThat(Errors.reason(connecting(new RedisCommandExecutionException("NOAUTH Authentication required."))))
                .isEqualTo(Reason.AUTHENTICATION);
        assertThat(Errors.reason(new RedisCommandExecutionException("NOPERM this user has no permissions")))
                .isEqualTo(Reason.AUTHORIZATION);
        assertThat(Errors.reason(connecting(new SSLHandshakeException("PKIX path building failed")))).isEqualTo(Reason.TLS);
        assertThat(Errors.reason(new CompletionException(new NoClassDefFoundError("io/netty/X"))))
                .isEqualTo(Reason.INCOMPATIBLE_CLASSPATH);
        assertThat(Errors.isUnfixable(connecting(new RedisCommandExecutionException("WRONGPASS x")))).isTrue();
    }

    @Test
    void onlyCommandsThatNeverLeftCountAsRefusedUnsent() {
        // Lettuce's refusal while disconnected, and the adapter's own check: Redis never saw the command
        assertThat(Errors.isRefusedUnsent(new RedisException("Currently not connected. Commands are rejected."))).isTrue();
        assertThat(Errors.isRefusedUnsent(new CompletionException(new RedisException("Currently not connected. Commands are rejected."))))
                .isTrue();
        assertThat(Errors.isRefusedUnsent(new SyncException("redis", Reason.UNREACHABLE, "redis sync: not connected"))).isTrue();
        // written, then the link dropped or the reply did not come: Redis may have it, so it is an attempt
        assertThat(Errors.isRefusedUnsent(new RedisException("Connection closed"))).isFalse();
        assertThat(Errors.isRefusedUnsent(new RedisCommandTimeoutException("Command timed out after 10 second(s)"))).isFalse();
    }

    @Test
    void lostConnectionsAndTimeoutsAreRetried() {
        assertThat(Errors.reason(connecting(new ConnectException("Connection refused")))).isEqualTo(Reason.UNREACHABLE);
        assertThat(Errors.reason(new RedisException("Connection closed"))).isEqualTo(Reason.UNREACHABLE);
        assertThat(Errors.reason(new RedisCommandTimeoutException("Command timed out"))).isEqualTo(Reason.PROTOCOL);
        assertThat(Errors.reason(new RedisCommandExecutionException("ERR unknown command"))).isEqualTo(Reason.PROTOCOL);
        assertThat(Errors.reason(new IllegalStateException("bug"))).isEqualTo(Reason.INTERNAL);
        assertThat(Errors.isConnectionProblem(new RedisCommandTimeoutException("Command timed out"))).isTrue();
        assertThat(Errors.isConnectionProblem(new RedisCommandExecutionException("ERR unknown command"))).isFalse();
    }

    @Test
    void aFailureCarriesTheLettuceExceptionAsItsCause() {
        RedisConnectionException lettuce = connecting(new ConnectException("Connection refused"));
        SyncException e = Errors.failure("redis sync cannot connect", new CompletionException(lettuce));
        assertThat(e.type()).isEqualTo("redis");
        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e).hasMessage("redis sync cannot connect").hasCause(lettuce);
    }
}
