"""Errors whose message is meant for the user: Vietnamese, and says what to do."""


class UserError(Exception):
    """A failure the user can understand and act on; str(e) is the Vietnamese message."""


class InvalidValue(UserError):
    pass


class DataFileError(UserError):
    """The data file cannot be used (damaged, foreign, newer, locked…)."""


class ReadOnlyPeriod(UserError):
    pass
