package org.bollwerk.matrix;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Shared assertion: code under test failed with a {@link MatrixException} of the given code. */
public final class MatrixAssertions {
    private MatrixAssertions() {}

    public static AbstractThrowableAssert<?, ? extends Throwable> assertMatrixError(ErrCode code, ThrowingCallable call) {
        return assertThatThrownBy(call)
                .isInstanceOf(MatrixException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((MatrixException) e).errCode()).isEqualTo(code));
    }
}
