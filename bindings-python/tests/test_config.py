import pytest

import salespulse
from salespulse import Config, ConfigError, Engine


DEFAULT_THRESHOLDS = {
    "active_window_days": 90,
    "regular_min_purchases": 2,
    "frequency_drop_alpha": 0.005,
    "frequency_drop_ratio": 0.5,
    "at_risk_p_alive": 0.001,
    "item_lapsed_probability": 0.7,
    "variety_drop_share": 0.25,
    "similar_lapse_alpha": 0.001,
    "cross_sell_min_probability": 0.03,
    "cross_sell_min_share": 0.25,
    "cross_sell_min_lift": 1.5,
}


def test_defaults():
    config = Engine().config
    assert config.timezone == "UTC"
    assert config.week_start == "monday"
    assert config.tasks_per_rep == 7
    assert config.horizon_days == 90
    assert config.currency is None
    assert config.stages == []
    assert config.thresholds == DEFAULT_THRESHOLDS


def test_dict_and_config_object_give_the_same_engine_config():
    settings = {
        "timezone": "Asia/Jerusalem",
        "week_start": "Sunday",
        "tasks_per_rep": 5,
        "horizon_days": 60,
        "currency": "ils",
        "stages": ["Prospecting", "Engaging", "Won"],
        "thresholds": {"active_window_days": 120, "regular_min_purchases": 3},
    }
    from_dict = Engine(settings).config
    from_object = Engine(Config(**settings)).config
    assert from_dict == from_object
    assert from_dict.timezone == "Asia/Jerusalem"
    assert from_dict.week_start == "sunday"
    assert from_dict.currency == "ILS"
    assert from_dict.stages == ["Prospecting", "Engaging", "Won"]
    assert from_dict.thresholds["active_window_days"] == 120
    # to_dict gives back what Config takes.
    assert Config(**from_dict.to_dict()) == from_dict
    assert "Asia/Jerusalem" in repr(from_dict)


def test_partial_thresholds_keep_the_other_defaults():
    config = Config(thresholds={"regular_min_purchases": 4, "item_lapsed_probability": 0.85})
    expected = dict(DEFAULT_THRESHOLDS, regular_min_purchases=4, item_lapsed_probability=0.85)
    assert config.thresholds == expected
    assert isinstance(config.thresholds["regular_min_purchases"], int)


@pytest.mark.parametrize(
    "settings, needle",
    [
        ({"tasks_per_rep": 9}, "tasks_per_rep is 9"),
        ({"timezone": "Mars/Olympus"}, "Mars/Olympus"),
        ({"week_start": "someday"}, "someday"),
        ({"horizon_days": 0}, "horizon_days"),
        ({"stages": ["a", "a"]}, '"a"'),
        ({"thresholds": {"active_window_days": 3}}, "active_window_days"),
        ({"thresholds": {"bogus": 1}}, "thresholds.bogus"),
        ({"thresholds": {"item_lapsed_probability": 0.2}}, "item_lapsed_probability"),
        ({"thresholds": {"regular_min_purchases": 2.5}}, "whole number"),
        ({"tasks_per_rep": "seven"}, "tasks_per_rep"),
        ({"timezon": "UTC"}, "timezon"),
    ],
)
def test_bad_settings_raise_config_error_naming_the_key(settings, needle):
    with pytest.raises(ConfigError) as info:
        Engine(settings)
    assert needle in str(info.value)
    assert isinstance(info.value, salespulse.Error)


def test_config_must_be_a_dict_or_config():
    with pytest.raises(ConfigError):
        Engine(["timezone", "UTC"])


def test_keyword_config_rejects_bad_values_too():
    with pytest.raises(ConfigError):
        Config(tasks_per_rep=4)
