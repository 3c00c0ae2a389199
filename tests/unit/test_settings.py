"""Every TALLY_* setting is read once into ``Settings``; the README's table lists exactly them,
and a malformed value is refused naming the variable."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.serve.settings import VARIABLES, Settings, SettingsError

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
CONFIGURATION = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
CHECKED = ("TALLY_HASH_CONCURRENCY", "TALLY_PASSWORD_HASH", "TALLY_LOGIN_BACKOFF_S",
           "TALLY_TRUSTED_PROXIES", "TALLY_STEP_UP_S", "TALLY_COMMAND_WORKERS", "TALLY_LOG_FORMAT",
           "TALLY_LOG_LEVEL")  # fmt: skip
"""The variables with a rule (the key variables are free text, checked when the keys load)."""


def test_the_readme_table_is_the_settings_table() -> None:
    for variable in VARIABLES:
        assert f"| `{variable.name}` | {variable.default} | {variable.meaning} |" in CONFIGURATION
    documented = set(re.findall(r"^\| `(TALLY_[A-Z_]+)`", CONFIGURATION, flags=re.MULTILINE))
    assert {v.name for v in VARIABLES} == documented


def test_nothing_set_gives_the_defaults() -> None:
    settings = Settings.from_env({})
    assert (dt.timedelta(minutes=5), 32, "production", 1.0, (), None, "info") == (
        settings.step_up, settings.command_workers, settings.hash_strength,
        settings.login_backoff_s, settings.trusted_proxies, settings.log_format,
        settings.log_level,
    )  # fmt: skip


def test_values_are_read_into_their_types() -> None:
    settings = Settings.from_env({
        "TALLY_STEP_UP_S": "1.5", "TALLY_COMMAND_WORKERS": "4", "TALLY_PASSWORD_HASH": "FAST",
        "TALLY_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1", "TALLY_LOG_FORMAT": "json",
        "TALLY_HASH_CONCURRENCY": "2", "TALLY_SECRET_KEYS": "k=abc",
    })  # fmt: skip
    assert dt.timedelta(seconds=1.5) == settings.step_up
    assert (4, "fast", 2, "json", "k=abc") == (settings.command_workers, settings.hash_strength,
                                                settings.hash_concurrency, settings.log_format,
                                                settings.secret_keys)  # fmt: skip
    assert ["10.0.0.0/8", "192.168.1.1/32"] == [str(n) for n in settings.trusted_proxies]


@pytest.mark.parametrize("name", CHECKED)
def test_a_malformed_value_names_its_variable(name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: "nonsense!"})


@given(st.sampled_from(["TALLY_STEP_UP_S", "TALLY_LOGIN_BACKOFF_S", "TALLY_COMMAND_WORKERS",
                        "TALLY_HASH_CONCURRENCY"]), st.text(max_size=12))  # fmt: skip
def test_a_number_setting_is_a_positive_number_or_refused(name: str, text: str) -> None:
    """Positive and finite ("inf" and "nan" read as floats, and would be neither)."""
    kind = int if name in ("TALLY_COMMAND_WORKERS", "TALLY_HASH_CONCURRENCY") else float
    try:
        expected = kind(text.strip()) if text.strip() else None
    except ValueError:
        expected = -1
    if expected is not None and not (expected > 0 and math.isfinite(expected)):
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: text})
    else:
        Settings.from_env({name: text})  # a positive number, or unset: the default
