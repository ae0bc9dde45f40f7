"""Errors whose message is meant for the user: Vietnamese, and says what to do."""
import re


class UserError(Exception):
    """A failure the user can understand and act on; str(e) is the Vietnamese message."""


class InvalidValue(UserError):
    pass


class DataFileError(UserError):
    """The data file cannot be used (damaged, foreign, newer, locked…)."""


class ReadOnlyPeriod(UserError):
    pass


def toml_syntax(e: Exception) -> str:
    """A TOML syntax error in Vietnamese, with its place (tomllib writes English: "Invalid value
    (at line 3, column 5)")."""
    m = re.search(r"line (\d+), column (\d+)", str(e))
    return f"sai cú pháp TOML ở dòng {m[1]}, cột {m[2]}" if m else "sai cú pháp TOML"
