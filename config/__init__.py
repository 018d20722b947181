"""Centre configuration: one TOML file validated into typed, frozen objects."""

from .loader import ConfigError, find_config, load_config, parse_config
from .schema import (
    Config,
    CounterConfig,
    DeviceConfig,
    FieldConfig,
    Numbering,
    PrinterConfig,
    RatingLevel,
    VoiceConfig,
)

__all__ = [
    "Config",
    "ConfigError",
    "CounterConfig",
    "DeviceConfig",
    "FieldConfig",
    "Numbering",
    "PrinterConfig",
    "RatingLevel",
    "VoiceConfig",
    "find_config",
    "load_config",
    "parse_config",
]
