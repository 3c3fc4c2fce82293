"""Errors that reach the user.

A :class:`UserInputError` is something the *user* can fix (a malformed expression, a negative learning
rate); its message is one line that says what to fix. The CLI prints it and exits with code 2. Anything
else that escapes is a bug in eos-checker, not the user's problem, and is allowed to show a traceback.
"""


class UserInputError(ValueError):
    """Bad input: one line, saying what is wrong and how to fix it."""

    def __init__(self, message: str) -> None:
        if "\n" in message:
            message = " ".join(message.split())
        super().__init__(message)


class NonSmoothPointError(ArithmeticError):
    """A ball evaluation touched a point where the loss is not smooth (e.g. the kink of abs)."""


class PrecisionExhaustedError(ArithmeticError):
    """Ball arithmetic could not decide a sign even at the maximum allowed precision."""
