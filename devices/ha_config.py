"""Home Assistant discovery configs as plain dicts: full key names, `~` expanded, one dict per entity.

A config arrives on `homeassistant/<component>/[<node_id>/]<object_id>/config` (one entity), or
on `homeassistant/device/[<node_id>/]<object_id>/config` (device-based discovery, Home Assistant
2024.11+): one message whose `cmps` holds every component, each naming its platform in `p` and
inheriting the shared options (state topic, availability, …) it does not set itself; a component
with nothing but its platform is being removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ABBREVIATIONS = {
    "act_t": "action_topic", "act_tpl": "action_template", "avty": "availability",
    "avty_mode": "availability_mode", "avty_t": "availability_topic", "avty_tpl": "availability_template",
    "bri_cmd_t": "brightness_command_topic", "bri_cmd_tpl": "brightness_command_template",
    "bri_scl": "brightness_scale", "bri_stat_t": "brightness_state_topic", "bri_val_tpl": "brightness_value_template",
    "clr_temp_cmd_t": "color_temp_command_topic", "clr_temp_cmd_tpl": "color_temp_command_template",
    "clr_temp_stat_t": "color_temp_state_topic", "clr_temp_val_tpl": "color_temp_value_template",
    "cmd_t": "command_topic", "cmd_tpl": "command_template", "cmps": "components",
    "curr_temp_t": "current_temperature_topic", "curr_temp_tpl": "current_temperature_template", "dev": "device",
    "dev_cla": "device_class", "e": "encoding", "ent_cat": "entity_category", "max_mirs": "max_mireds",
    "min_mirs": "min_mireds", "mode_cmd_t": "mode_command_topic", "mode_cmd_tpl": "mode_command_template",
    "mode_stat_t": "mode_state_topic", "mode_stat_tpl": "mode_state_template", "o": "origin", "obj_id": "object_id",
    "on_cmd_type": "on_command_type", "p": "platform", "pct_cmd_t": "percentage_command_topic",
    "pct_cmd_tpl": "percentage_command_template", "pct_stat_t": "percentage_state_topic",
    "pct_val_tpl": "percentage_value_template", "pl_avail": "payload_available", "pl_cls": "payload_close",
    "pl_lock": "payload_lock", "pl_not_avail": "payload_not_available", "pl_off": "payload_off", "pl_on": "payload_on",
    "pl_open": "payload_open", "pl_rst_pct": "payload_reset_percentage", "pl_stop": "payload_stop",
    "pl_unlk": "payload_unlock", "pos_clsd": "position_closed", "pos_open": "position_open", "pos_t": "position_topic",
    "pos_tpl": "position_template", "pr_mode_cmd_t": "preset_mode_command_topic",
    "pr_mode_cmd_tpl": "preset_mode_command_template", "pr_mode_stat_t": "preset_mode_state_topic",
    "pr_mode_val_tpl": "preset_mode_value_template", "pr_modes": "preset_modes", "ret": "retain",
    "set_pos_t": "set_position_topic", "set_pos_tpl": "set_position_template", "spd_rng_max": "speed_range_max",
    "spd_rng_min": "speed_range_min", "stat_cla": "state_class", "stat_closing": "state_closing",
    "stat_clsd": "state_closed", "stat_locked": "state_locked", "stat_off": "state_off", "stat_on": "state_on",
    "stat_open": "state_open", "stat_opening": "state_opening", "stat_stopped": "state_stopped",
    "stat_t": "state_topic", "stat_tpl": "state_template", "stat_unlocked": "state_unlocked",
    "stat_val_tpl": "state_value_template", "sup_clrm": "supported_color_modes", "t": "topic",
    "temp_cmd_t": "temperature_command_topic", "temp_cmd_tpl": "temperature_command_template",
    "temp_stat_t": "temperature_state_topic", "temp_stat_tpl": "temperature_state_template",
    "temp_unit": "temperature_unit", "uniq_id": "unique_id", "unit_of_meas": "unit_of_measurement",
    "val_tpl": "value_template",
}
"""Home Assistant's abbreviations (homeassistant/components/mqtt/abbreviations.py) for what homebody reads."""

DEVICE_ABBREVIATIONS = {"ids": "identifiers", "mf": "manufacturer", "mdl": "model", "sa": "suggested_area",
                        "sw": "sw_version", "hw": "hw_version", "sn": "serial_number", "cns": "connections"}

SHARED_OPTIONS = ("availability", "availability_mode", "availability_template", "availability_topic",
                  "command_topic", "encoding", "payload_available", "payload_not_available", "state_topic", "qos")
"""What a device-based config's components inherit from it unless they set it (Home Assistant's list)."""


@dataclass(frozen=True)
class EntityConfig:
    """One entity's config, expanded, with where it was announced."""

    component: str
    """The platform: light, switch, sensor, …"""
    object_id: str
    """The id part of the discovery topic (`<node_id>_<object_id>` when both are given)."""
    config: dict[str, Any]


def entity_configs(topic: str, payload: Any) -> list[EntityConfig]:
    """The entities a discovery message announces; [] for a topic or payload that is not a config."""
    parts = topic.split("/")
    if len(parts) not in (4, 5) or parts[-1] != "config" or not isinstance(payload, dict):
        return []
    object_id = "_".join(parts[2:-1])
    if parts[1] != "device":
        return [EntityConfig(parts[1], object_id, expand(payload))]
    shared = unabbreviate(payload)
    components = shared.get("components")
    if not isinstance(components, dict):
        raise ValueError("a device-based discovery config has no components (cmps)")
    found = []
    for key, component in components.items():
        config = unabbreviate(component) if isinstance(component, dict) else {}
        if isinstance(config.get("platform"), str) and len(config) > 1:  # nothing but `p`: a removal
            config.update({o: shared[o] for o in SHARED_OPTIONS if o in shared and o not in config})
            config.setdefault("device", shared.get("device"))
            found.append(EntityConfig(str(config.pop("platform")), f"{object_id}_{key}", expand(config)))
    return found


def expand(payload: dict[str, Any]) -> dict[str, Any]:
    """Full key names, and `~` replaced by the base topic in every topic."""
    config = unabbreviate(payload)
    entries = config.get("availability")
    if isinstance(entries, list):
        config["availability"] = entries = [unabbreviate(e) for e in entries if isinstance(e, dict)]
    if isinstance(config.get("device"), dict):
        config["device"] = {DEVICE_ABBREVIATIONS.get(k, k): v for k, v in config["device"].items()}
    base = config.pop("~", None)
    if isinstance(base, str):
        for mapping in [config, *(entries if isinstance(entries, list) else [])]:
            for key, value in mapping.items():
                if key.endswith("topic") and isinstance(value, str):
                    mapping[key] = value.replace("~", base)
    return config


def unabbreviate(mapping: dict[str, Any]) -> dict[str, Any]:
    return {ABBREVIATIONS.get(k, k): v for k, v in mapping.items()}
