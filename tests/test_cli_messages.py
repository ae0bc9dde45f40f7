"""The one-line usage errors of the command line point at a help command that exists."""
import pytest

from cchc_desktop import cli


@pytest.mark.parametrize("argv, help_cmd", [
    (["khong-co-lenh"], "Xem: cchc-desktop --help"),
    (["dump", "--db", "x.sqlite"], "Xem: cchc-desktop dump --help"),
])
def test_usage_error_names_the_right_help(argv, help_cmd, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.rstrip().endswith(help_cmd)
    assert "cchc-desktop cchc-desktop" not in err
